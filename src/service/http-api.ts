/**
 * The payment service's HTTP API (seed 000), on node:http:
 *
 *   POST /payments                  {"order_id","amount"}  201 created, 200 already there (idempotent)
 *        with `Prefer: respond-async`: 202 accepted; the payment workflow creates and confirms it,
 *        also when the database is down right now (it completes when the database is back)
 *   GET  /payments/:order_id        200, 404
 *   POST /payments/:order_id/confirm                        200 (confirming twice is harmless), 404
 *   GET  /health                    200 {"status","database","timestamp"}, 503 when the database does not answer
 *
 * Every answer is JSON. A bad request gets a 4xx naming the field and touches nothing; a database
 * that stays unreachable through the retries gets 503 with Retry-After, never a 500 or a hang.
 * Responses that touched the database carry X-Payment-Attempts (1 = no retry).
 */
import http from 'node:http';
import type { Logger } from 'pino';
import { validateConfirmRequest, validateOrderId, validatePaymentRequest, type Validated } from './payment-request';
import type { PaymentRequest } from '../shared/payment-types';
import { DatabaseUnavailableError, PaymentConflictError, type PaymentStore } from './payment-store';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 16 * 1024;
/** The health check answers within this, database or not. */
const HEALTH_TIMEOUT_MS = 2000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

function send(res: http.ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...reply.headers });
  res.end(text);
}

const invalid = (result: Validated<unknown> & { ok: false }): HttpError => new HttpError(400, result.field, `${result.field} ${result.message}`);

/** Reads the body (at most MAX_BODY_BYTES) and parses it as JSON; undefined when empty. */
async function readJson(req: http.IncomingMessage, required: boolean): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, '(body)', `(body) must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') {
    if (required) throw new HttpError(400, '(body)', '(body) is required: a JSON object with order_id and amount');
    return undefined;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'content-type', `content-type must be application/json, got "${type || 'none'}"`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, '(body)', `(body) is not valid JSON: ${(err as Error).message}`);
  }
}

function orderIdFrom(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'order_id', 'order_id is not a valid URL path segment');
  }
  const result = validateOrderId(decoded);
  if (!result.ok) throw invalid(result);
  return result.value;
}

const attemptsHeader = (attempts: number) => ({ 'x-payment-attempts': String(attempts) });

/**
 * Starts the payment workflow for a request (the durable path); returns its workflow id and the
 * database attempts it made (it checks the order once). Throws PaymentConflictError for another amount.
 */
export type StartPayment = (request: PaymentRequest) => Promise<{ workflowId: string; attempts: number }>;

export function createPaymentApi(store: PaymentStore, log: Logger, startPayment?: StartPayment): http.Server {
  const health = async (): Promise<Reply> => {
    const timestamp = new Date().toISOString();
    const ping = await Promise.race([
      store.ping(),
      new Promise<{ ok: false; errorClass: 'timeout'; message: string }>((resolve) =>
        setTimeout(() => resolve({ ok: false, errorClass: 'timeout', message: `no answer within ${HEALTH_TIMEOUT_MS} ms` }), HEALTH_TIMEOUT_MS).unref(),
      ),
    ]);
    if (ping.ok) return { status: 200, body: { status: 'healthy', database: 'connected', timestamp } };
    return { status: 503, body: { status: 'unhealthy', database: 'disconnected', timestamp, error: ping.errorClass } };
  };

  const route = async (req: http.IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://payment-service');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    const allow = (methods: string[]) => {
      if (!methods.includes(method)) throw Object.assign(new HttpError(405, '(method)', `${method} is not allowed on ${url.pathname}; use ${methods.join(', ')}`), { allow: methods.join(', ') });
    };

    if (parts.length === 1 && parts[0] === 'health') {
      allow(['GET']);
      return health();
    }
    if (parts[0] !== 'payments' || parts.length > 3 || (parts.length === 3 && parts[2] !== 'confirm')) {
      throw new HttpError(404, '(path)', `no such resource: ${url.pathname.slice(0, 100)}`);
    }
    if (parts.length === 1) {
      allow(['POST']);
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
          return { status: 503, body: { error: 'temporal unavailable', message: 'the payment could not be accepted durably; retry later', retryable: true }, headers: { 'retry-after': '2', ...attemptsHeader(1) } };
        }
        return {
          status: 202,
          body: { order_id, amount, status: 'accepted', workflow_id: started.workflowId },
          headers: { 'preference-applied': 'respond-async', location: `/payments/${order_id}`, ...attemptsHeader(started.attempts) },
        };
      }
      const { value, attempts } = await store.create(request.value.order_id, request.value.cents);
      return { status: value.created ? 201 : 200, body: { ...value.payment, created: value.created }, headers: attemptsHeader(attempts) };
    }
    const orderId = orderIdFrom(parts[1]!);
    if (parts.length === 2) {
      allow(['GET']);
      const { value, attempts } = await store.find(orderId);
      if (!value) return { status: 404, body: { error: 'not found', field: 'order_id', message: `no payment for order_id ${orderId}` }, headers: attemptsHeader(attempts) };
      return { status: 200, body: value, headers: attemptsHeader(attempts) };
    }
    allow(['POST']);
    const body = validateConfirmRequest(await readJson(req, false));
    if (!body.ok) throw invalid(body);
    const { value, attempts } = await store.confirm(orderId);
    if (!value) return { status: 404, body: { error: 'not found', field: 'order_id', message: `no payment for order_id ${orderId}` }, headers: attemptsHeader(attempts) };
    return { status: 200, body: { ...value.payment, changed: value.changed }, headers: attemptsHeader(attempts) };
  };

  return http.createServer((req, res) => {
    const started = Date.now();
    route(req)
      .catch((err: unknown): Reply => {
        if (err instanceof HttpError) {
          const allow = (err as HttpError & { allow?: string }).allow;
          return { status: err.status, body: { error: http.STATUS_CODES[err.status]?.toLowerCase(), field: err.field, message: err.message }, headers: allow ? { allow } : undefined };
        }
        if (err instanceof PaymentConflictError) {
          return { status: 409, body: { error: 'conflict', field: err.field, message: err.message }, headers: err.attempts ? attemptsHeader(err.attempts) : undefined };
        }
        if (err instanceof DatabaseUnavailableError) {
          return {
            status: 503,
            body: { error: 'database unavailable', message: `${err.message}; the payment was not changed, retry later`, attempts: err.attempts, retryable: true },
            headers: { 'retry-after': '2', ...attemptsHeader(err.attempts) },
          };
        }
        log.error({ err, method: req.method, path: req.url?.slice(0, 200) }, 'payment request failed');
        const attempts = (err as { attempts?: unknown }).attempts;
        return { status: 500, body: { error: 'internal error', message: 'the payment service failed; see its log' }, headers: typeof attempts === 'number' ? attemptsHeader(attempts) : undefined };
      })
      .then((reply) => {
        // A request whose body was refused early may still be sending: close rather than read it all.
        if (!req.complete) reply.headers = { ...reply.headers, connection: 'close' };
        send(res, reply);
        const entry = { method: req.method, path: req.url?.slice(0, 200), status: reply.status, ms: Date.now() - started };
        if (reply.status >= 500) log.warn(entry, 'payment request');
        else log.debug(entry, 'payment request');
      })
      .catch((err: unknown) => {
        log.error({ err }, 'could not answer a payment request');
        res.destroy();
      });
  });
}
