/**
 * The worker's Prometheus endpoint: `GET /metrics` on 127.0.0.1:FAULTLINE_METRICS_PORT (9464), from
 * a prom-client registry (the workload's live metrics and the process's own, `faultline_worker_*`),
 * 404 for anything else.
 *
 * A port already taken (another worker on this machine: `faultline up --workers N`) does not stop
 * the worker: it logs a warning and runs without serving metrics. Give each worker its own port
 * (FAULTLINE_METRICS_PORT) to scrape them all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import { logger } from '../platform/logger';
import { METRICS_HOST } from '../platform/metrics-settings';

export interface MetricsServer {
  /** The port it listens on (the one asked for, or the system's pick for 0). */
  port: number;
  close(): Promise<void>;
}

async function answer(registry: Registry, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '').split('?')[0];
  if ((request.method !== 'GET' && request.method !== 'HEAD') || path !== '/metrics') {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n');
    return;
  }
  try {
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (err) {
    logger.error({ err }, 'metrics: could not collect');
    response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('could not collect metrics\n');
  }
}

function listen(server: Server, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException) => resolve(err);
    server.once('error', onError);
    server.listen(port, METRICS_HOST, () => {
      server.off('error', onError);
      resolve(undefined);
    });
  });
}

let defaultMetrics = false;

/** The process's own metrics (CPU, memory, event loop lag, GC, handles), once per process. */
export function collectProcessMetrics(registry: Registry): void {
  if (defaultMetrics) return;
  defaultMetrics = true;
  collectDefaultMetrics({ register: registry, prefix: 'faultline_worker_' });
}

/** Serves the registry; undefined (after a warning) when the port cannot be listened on. */
export async function startMetricsServer(registry: Registry, port: number): Promise<MetricsServer | undefined> {
  const server = createServer((request, response) => void answer(registry, request, response));
  const failed = await listen(server, port);
  if (failed) {
    logger.warn(
      { err: failed, port, variable: 'FAULTLINE_METRICS_PORT' },
      failed.code === 'EADDRINUSE'
        ? 'metrics: the port is taken (another worker on this machine?); running without serving metrics'
        : 'metrics: cannot listen; running without serving metrics',
    );
    return undefined;
  }
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  logger.info({ url: `http://${METRICS_HOST}:${bound}/metrics` }, 'metrics: serving');
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive connection must not hold the shutdown
      }),
  };
}
