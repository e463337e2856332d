/**
 * Loaded before the unit tests (test/mocha-suites.cjs): faultline's own log lines (a metrics
 * endpoint serving, a port taken) stay out of the suite's output unless FAULTLINE_LOG_LEVEL asks
 * for them.
 */
process.env.FAULTLINE_LOG_LEVEL ??= 'error';
