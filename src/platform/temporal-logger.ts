/** Routes the Temporal SDK's own logs (worker, workflows via sinks) to pino. */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { logger } from './logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

export function installTemporalLogger(): void {
  if (installed) return;
  installed = true;
  const level = (process.env.FAULTLINE_TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'WARN';
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      logger[LEVELS[entry.level]]({ ...entry.meta, sdk: 'temporal' }, entry.message);
    }),
  });
}
