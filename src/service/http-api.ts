/**
 * The payment service's HTTP API (seed 000), on node:http:
 *
 *   POST /payments                  {"order_id","amount"}  201 created, 200 already there (idempotent)
 *        with `Prefer: respond-async`: 202 accepted; the payment workflow creates and confirms it,
 *        also when the database is down right now (it completes when the database is back)
 *   GET  /payments/:order_id        200, 404
 *   POST /payments/:order_id/confirm                        200 (confirming twice is harmless), 404
 *   GET  /health                    200 {"status","database","timestamp"}, 503 when the database does not answer
 *   GET  /openapi.json              200 the OpenAPI document of all this (src/service/openapi-document.ts)
 *
 * The routes are data (src/service/payment-routes.ts): the router dispatches by them and the
 * OpenAPI document describes them.
 *
 * Every answer is JSON. A bad request gets a 4xx naming the field and touches nothing; a database
 * that stays unreachable through the retries gets 503 with Retry-After, never a 500 or a hang.
 * Responses that touched the database carry X-Payment-Attempts (1 = no retry). The server's
 * timeouts and connection cap: src/service/http-limits.ts.
 */
import http from 'node:http';
import type { Logger } from 'pino';
import { validateConfirmRequest, validatePaymentRequest } from '../shared/payment-request';
import type { PaymentRequest } from '../shared/payment-types';
import { attemptsHeader, HttpError, invalid, orderIdFrom, readJson, send, type Reply } from './http-io';
import { DEFAULT_HTTP_LIMITS, limitedServer, type HttpLimits } from './http-limits';
import { OPENAPI_DOCUMENT } from './openapi-document';
import { DatabaseUnavailableError, PaymentConflictError, type PaymentStore } from './payment-store';
import { matchRoute, type OperationId } from './payment-routes';

/** The health check answers within this, database or not. */
const HEALTH_TIMEOUT_MS = 2000;

/**
 * Starts the payment workflow for a request (the durable path); returns its workflow id and the
 * database attempts it made (it checks the order once). Throws PaymentConflictError for another amount.
 */
export type StartPayment = (request: PaymentRequest) => Promise<{ workflowId: string; attempts: number }>;

async function health(store: PaymentStore): Promise<Reply> {
  const timestamp = new Date().toISOString();
  const ping = await Promise.race([
    store.ping(),
    new Promise<{ ok: false; errorClass: 'timeout'; message: string }>((resolve) =>
      setTimeout(
        () => resolve({ ok: false, errorClass: 'timeout', message: `no answer within ${HEALTH_TIMEOUT_MS} ms` }),
        HEALTH_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
  if (ping.ok) return { status: 200, body: { status: 'healthy', database: 'connected', timestamp } };
  return { status: 503, body: { status: 'unhealthy', database: 'disconnected', timestamp, error: ping.errorClass } };
}

/** POST /payments: stored now (201/200), or with `Prefer: respond-async` handed to the payment workflow (202). */
async function createPayment(
  req: http.IncomingMessage,
  store: PaymentStore,
  log: Logger,
  startPayment?: StartPayment,
): Promise<Reply> {
  const request = validatePaymentRequest(await readJson(req, true));
  if (!request.ok) throw invalid(request);
  if (/\brespond-async\b/i.test(String(req.headers.prefer ?? '')) && startPayment) {
    const { order_id, amount } = request.value;
    let started: { workflowId: string; attempts: number };
    try {
      started = await startPayment({ order_id, amount });
    } catch (err) {
      if (err instanceof PaymentConflictError) throw err;
      log.warn({ err, order_id }, 'could not start the payment workflow');
      return {
        status: 503,
        body: {
          error: 'temporal unavailable',
          message: 'the payment could not be accepted durably; retry later',
          retryable: true,
        },
        headers: { 'retry-after': '2', ...attemptsHeader(1) },
      };
    }
    return {
      status: 202,
      body: { order_id, amount, status: 'accepted', workflow_id: started.workflowId },
      headers: {
        'preference-applied': 'respond-async',
        location: `/payments/${order_id}`,
        ...attemptsHeader(started.attempts),
      },
    };
  }
  const { value, attempts } = await store.create(request.value.order_id, request.value.cents);
  return {
    status: value.created ? 201 : 200,
    body: { ...value.payment, created: value.created },
    headers: attemptsHeader(attempts),
  };
}

const notFound = (orderId: string, attempts: number): Reply => ({
  status: 404,
  body: { error: 'not found', field: 'order_id', message: `no payment for order_id ${orderId}` },
  headers: attemptsHeader(attempts),
});

async function readPayment(orderId: string, store: PaymentStore): Promise<Reply> {
  const { value, attempts } = await store.find(orderId);
  return value ? { status: 200, body: value, headers: attemptsHeader(attempts) } : notFound(orderId, attempts);
}

async function confirmPayment(req: http.IncomingMessage, orderId: string, store: PaymentStore): Promise<Reply> {
  const body = validateConfirmRequest(await readJson(req, false));
  if (!body.ok) throw invalid(body);
  const { value, attempts } = await store.confirm(orderId);
  return value
    ? { status: 200, body: { ...value.payment, changed: value.changed }, headers: attemptsHeader(attempts) }
    : notFound(orderId, attempts);
}

interface RouteContext {
  req: http.IncomingMessage;
  params: Record<string, string>;
  store: PaymentStore;
  log: Logger;
  startPayment?: StartPayment;
}

/** What each route of PAYMENT_ROUTES does. */
const HANDLERS: Record<OperationId, (c: RouteContext) => Promise<Reply>> = {
  getHealth: async (c) => await health(c.store),
  createPayment: async (c) => await createPayment(c.req, c.store, c.log, c.startPayment),
  getPayment: async (c) => await readPayment(orderIdFrom(c.params.order_id!), c.store),
  confirmPayment: async (c) => await confirmPayment(c.req, orderIdFrom(c.params.order_id!), c.store),
  getOpenApiDocument: async () => ({ status: 200, body: OPENAPI_DOCUMENT }),
};

/** Which route a request is, or a 404 / 405. */
async function route(context: Omit<RouteContext, 'params'>): Promise<Reply> {
  const { req } = context;
  const url = new URL(req.url ?? '/', 'http://payment-service');
  const method = req.method ?? 'GET';
  const { routes, params } = matchRoute(url.pathname);
  if (routes.length === 0) throw new HttpError(404, '(path)', `no such resource: ${url.pathname.slice(0, 100)}`);
  const chosen = routes.find((r) => r.method === method);
  if (!chosen) {
    const allow = routes.map((r) => r.method).join(', ');
    throw Object.assign(
      new HttpError(405, '(method)', `${method} is not allowed on ${url.pathname.slice(0, 100)}; use ${allow}`),
      { allow },
    );
  }
  return await HANDLERS[chosen.operationId]({ ...context, params });
}

/** What a failed request answers: the field at fault, a 409, a 503 with Retry-After; a 500 only for a bug. */
function errorReply(err: unknown, req: http.IncomingMessage, log: Logger): Reply {
  if (err instanceof HttpError) {
    const allow = (err as HttpError & { allow?: string }).allow;
    return {
      status: err.status,
      body: { error: http.STATUS_CODES[err.status]?.toLowerCase(), field: err.field, message: err.message },
      headers: allow ? { allow } : undefined,
    };
  }
  if (err instanceof PaymentConflictError) {
    return {
      status: 409,
      body: { error: 'conflict', field: err.field, message: err.message },
      headers: err.attempts ? attemptsHeader(err.attempts) : undefined,
    };
  }
  if (err instanceof DatabaseUnavailableError) {
    return {
      status: 503,
      body: {
        error: 'database unavailable',
        message: `${err.message}; the payment was not changed, retry later`,
        attempts: err.attempts,
        retryable: true,
      },
      headers: { 'retry-after': '2', ...attemptsHeader(err.attempts) },
    };
  }
  log.error({ err, method: req.method, path: req.url?.slice(0, 200) }, 'payment request failed');
  const attempts = (err as { attempts?: unknown }).attempts;
  return {
    status: 500,
    body: { error: 'internal error', message: 'the payment service failed; see its log' },
    headers: typeof attempts === 'number' ? attemptsHeader(attempts) : undefined,
  };
}

export function createPaymentApi(
  store: PaymentStore,
  log: Logger,
  startPayment?: StartPayment,
  limits: HttpLimits = DEFAULT_HTTP_LIMITS,
): http.Server {
  return limitedServer(limits, log, (req, res) => {
    const started = Date.now();
    route({ req, store, log, startPayment })
      .catch((err: unknown) => errorReply(err, req, log))
      .then((reply) => {
        // A request whose body was refused early may still be sending: close rather than read it all.
        if (!req.complete) reply.headers = { ...reply.headers, connection: 'close' };
        send(res, reply);
        const entry = {
          method: req.method,
          path: req.url?.slice(0, 200),
          status: reply.status,
          ms: Date.now() - started,
        };
        if (reply.status >= 500) log.warn(entry, 'payment request');
        else log.debug(entry, 'payment request');
      })
      .catch((err: unknown) => {
        log.error({ err }, 'could not answer a payment request');
        res.destroy();
      });
  });
}
