/**
 * Installs the Temporal SDK's runtime: its own logs (worker, workflows via sinks) go to pino, and,
 * when asked, its worker metrics are served for Prometheus on 127.0.0.1 (`/metrics`).
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { logger } from './logger';
import { METRICS_HOST } from './metrics-settings';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

function sdkLogger(): DefaultLogger {
  const level = (process.env.FAULTLINE_TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'WARN';
  return new DefaultLogger(level, (entry) => {
    logger[LEVELS[entry.level]]({ ...entry.meta, sdk: 'temporal' }, entry.message);
  });
}

/**
 * Once per process, before any connection or worker. `metricsPort`: serve the SDK's metrics there
 * (`temporal_*`, Temporal's defaults: durations in ms, counters without `_total`). A port already
 * taken does not stop the process: the SDK refuses to start its exporter, and the runtime is
 * installed again without it, with a warning.
 */
export function installTemporalLogger(options: { metricsPort?: number } = {}): void {
  if (installed) return;
  installed = true;
  const { metricsPort } = options;
  if (metricsPort !== undefined) {
    const bindAddress = `${METRICS_HOST}:${metricsPort}`;
    try {
      Runtime.install({ logger: sdkLogger(), telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
      logger.info({ url: `http://${bindAddress}/metrics` }, 'metrics: Temporal SDK serving');
      return;
    } catch (err) {
      logger.warn(
        { err, port: metricsPort, variable: 'FAULTLINE_TEMPORAL_METRICS_PORT' },
        'metrics: the Temporal SDK cannot serve its metrics (port taken?); running without them',
      );
    }
  }
  Runtime.install({ logger: sdkLogger() });
}
