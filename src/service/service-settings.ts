/**
 * The payment service's settings, from the environment (names of seed 000 where it has them):
 *
 *   FAULTLINE_SERVICE_PORT        HTTP port, on 127.0.0.1 (default 15080)
 *   FAULTLINE_SERVICE_HOST        address to listen on (default 127.0.0.1)
 *   FAULTLINE_SERVICE_CONNECTION  named connection of its database (default `direct`)
 *   PAYMENT_RETRY_ATTEMPTS        database attempts per request (default 3)
 *   PAYMENT_RETRY_DELAY           seconds between attempts (default 2)
 *   FAULTLINE_SERVICE_HEADERS_TIMEOUT_MS / _REQUEST_TIMEOUT_MS / _KEEPALIVE_TIMEOUT_MS /
 *   FAULTLINE_SERVICE_MAX_CONNECTIONS   the HTTP server's limits (http-limits.ts: 10 s, 30 s, 5 s, 512)
 */
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits';

export interface ServiceSettings {
  host: string;
  port: number;
  connection: string;
  retryAttempts: number;
  retryDelayMs: number;
  http: HttpLimits;
}

function number(name: string, fallback: number, check: (n: number) => boolean, expected: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name} must be ${expected}, got "${raw}"`);
  return value;
}

const wholeIn = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;

function httpLimits(): HttpLimits {
  const d = DEFAULT_HTTP_LIMITS;
  const ms = (name: string, fallback: number, max: number) =>
    number(name, fallback, wholeIn(100, max), `milliseconds from 100 to ${max}`);
  const limits: HttpLimits = {
    headersTimeoutMs: ms('FAULTLINE_SERVICE_HEADERS_TIMEOUT_MS', d.headersTimeoutMs, 600_000),
    requestTimeoutMs: ms('FAULTLINE_SERVICE_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 3_600_000),
    keepAliveTimeoutMs: ms('FAULTLINE_SERVICE_KEEPALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs, 600_000),
    maxConnections: number(
      'FAULTLINE_SERVICE_MAX_CONNECTIONS',
      d.maxConnections,
      wholeIn(1, 100_000),
      'a whole number from 1 to 100000',
    ),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new Error(
      `FAULTLINE_SERVICE_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must be <= FAULTLINE_SERVICE_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  return limits;
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
    http: httpLimits(),
  };
}
