/**
 * The payment API's HTTP server limits, instead of Node's defaults (60 s to send the headers, 300 s
 * the whole request, any number of connections), so that a client trickling its request or holding
 * idle sockets cannot hold the service:
 *
 *   headersTimeoutMs    a request's headers must all arrive within this (else 408 and close);
 *                       a connection that sends nothing is closed after it too
 *   requestTimeoutMs    the whole request, body included, within this (the answer may take longer)
 *   keepAliveTimeoutMs  a kept-alive connection idle this long after an answer is closed (Node
 *                       waits a second more, so that the client, told it in Keep-Alive, closes first)
 *   maxConnections      connections open at once; one more is closed at once, unanswered
 */
import http from 'node:http';
import type { Logger } from 'pino';

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

/** Above the payments' default maxInFlight (500): a default experiment never meets the cap. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 512,
};

/** How often at most a connection cap reached is logged. */
const DROP_LOG_INTERVAL_MS = 10_000;

/** An HTTP server that keeps the limits; the timeouts are checked every quarter of the shorter one, at most every second. */
export function limitedServer(limits: HttpLimits, log: Logger, listener: http.RequestListener): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts every 30 s by default: 10 s would mean up to 40.
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      ),
    },
    listener,
  );
  server.maxConnections = limits.maxConnections;
  let dropped = 0;
  let loggedAt = 0;
  server.on('drop', () => {
    dropped++;
    if (Date.now() - loggedAt < DROP_LOG_INTERVAL_MS) return;
    log.warn(
      { dropped, maxConnections: limits.maxConnections },
      'payment API at its connection cap: connections closed',
    );
    loggedAt = Date.now();
    dropped = 0;
  });
  return server;
}
