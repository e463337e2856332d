/**
 * The payment service's settings, from the environment (names of seed 000 where it has them):
 *
 *   FAULTLINE_SERVICE_PORT        HTTP port, on 127.0.0.1 (default 15080)
 *   FAULTLINE_SERVICE_HOST        address to listen on (default 127.0.0.1)
 *   FAULTLINE_SERVICE_CONNECTION  named connection of its database (default `direct`)
 *   PAYMENT_RETRY_ATTEMPTS        database attempts per request (default 3)
 *   PAYMENT_RETRY_DELAY           seconds between attempts (default 2)
 */
export interface ServiceSettings {
  host: string;
  port: number;
  connection: string;
  retryAttempts: number;
  retryDelayMs: number;
}

function number(name: string, fallback: number, check: (n: number) => boolean, expected: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${expected}, got "${raw}"`);
  return value;
}

export function serviceSettings(): ServiceSettings {
  return {
    host: process.env.FAULTLINE_SERVICE_HOST || '127.0.0.1',
    port: number(
      'FAULTLINE_SERVICE_PORT',
      15080,
      (n) => Number.isInteger(n) && n >= 1 && n <= 65535,
      'a TCP port (1-65535)',
    ),
    connection: process.env.FAULTLINE_SERVICE_CONNECTION || 'direct',
    retryAttempts: number(
      'PAYMENT_RETRY_ATTEMPTS',
      3,
      (n) => Number.isInteger(n) && n >= 1 && n <= 20,
      'a whole number from 1 to 20',
    ),
    retryDelayMs: number('PAYMENT_RETRY_DELAY', 2, (n) => n >= 0 && n <= 60, 'seconds from 0 to 60') * 1000,
  };
}
