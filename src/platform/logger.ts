/** The structured logger (pino), one per process. Never log a DSN, a password or a credential. */
import pino from 'pino';

export const LOGGER_OPTIONS: pino.LoggerOptions = {
  name: 'faultline',
  level: process.env.FAULTLINE_LOG_LEVEL || 'info',
  base: { pid: process.pid },
  redact: {
    // `input`: Node's URL errors carry the string they could not parse (a DSN, password and all).
    paths: [
      'password',
      '*.password',
      'connectionString',
      '*.connectionString',
      'secretAccessKey',
      '*.secretAccessKey',
      'input',
      '*.input',
      '*.*.input',
    ],
    censor: '[redacted]',
  },
};

export const logger = pino(LOGGER_OPTIONS);
