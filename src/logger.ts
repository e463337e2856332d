/** The structured logger (pino), one per process. Never log a DSN, a password or a credential. */
import pino from 'pino';

export const logger = pino({
  name: 'faultline',
  level: process.env.FAULTLINE_LOG_LEVEL || 'info',
  base: { pid: process.pid },
  redact: {
    paths: ['password', '*.password', 'connectionString', '*.connectionString', 'secretAccessKey', '*.secretAccessKey'],
    censor: '[redacted]',
  },
});
