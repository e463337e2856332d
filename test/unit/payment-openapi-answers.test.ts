/**
 * The real HTTP API (createPaymentApi, on an in-memory store instead of the
 * database) answers only what its OpenAPI document says: every status it gives is documented for
 * the route, with a body of the documented schema and the documented headers; and every documented
 * status is one it really gives. The same checks against the lab's service: test/integration/openapi.test.ts.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createPaymentApi } from '../../src/service/http-api';
import { OPENAPI_DOCUMENT } from '../../src/service/openapi-document';
import { PaymentConflictError } from '../../src/service/payment-store';
import { PAYMENT_ROUTES } from '../../src/service/payment-routes';
import { MemoryPaymentStore } from './harness/memory-payment-store';
import { OpenApiChecker } from './harness/openapi-checker';

type Json = Record<string, unknown>;
const checker = new OpenApiChecker(OPENAPI_DOCUMENT as unknown as Json);
const json = 'application/json';

describe('payment service answers = its OpenAPI document (in-memory store)', () => {
  const store = new MemoryPaymentStore();
  let temporal: 'up' | 'down' = 'up';
  let server: http.Server;
  let base = '';
  /** Statuses seen, per "METHOD /template". */
  const seen = new Map<string, Set<string>>();
  const problems: string[] = [];

  before(async () => {
    server = createPaymentApi(store, pino({ level: 'silent' }), async (request) => {
      if (temporal === 'down') throw new Error('temporal is down');
      const existing = store.payments.get(request.order_id);
      if (existing && existing.amount !== request.amount)
        throw Object.assign(new PaymentConflictError(request.order_id, Math.round(existing.amount * 100)), {
          attempts: 1,
        });
      return { workflowId: `payment-${request.order_id}`, attempts: 1 };
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Sends a request for an operation (method + path template) and checks its answer against the document. */
  async function send(
    method: string,
    template: string,
    url: string,
    options: { body?: string; type?: string; prefer?: string } = {},
  ): Promise<{ status: number; body: Json }> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = options.type ?? json;
    if (options.prefer) headers.prefer = options.prefer;
    const response = await fetch(`${base}${url}`, { method, headers, body: options.body });
    const body = (await response.json()) as Json;
    problems.push(
      ...checker.check(method, template, { status: response.status, header: (n) => response.headers.get(n), body }),
    );
    const key = `${method} ${template}`;
    if (!seen.has(key)) seen.set(key, new Set());
    seen.get(key)!.add(String(response.status));
    return { status: response.status, body };
  }
  const payment = (order_id: unknown, amount: unknown) => JSON.stringify({ order_id, amount });

  it('POST /payments: 201, 200, 409, 202 and its 409, 400, 413, 415, 503 from the database and from Temporal', async () => {
    const t = '/payments';
    assert.equal((await send('POST', t, t, { body: payment('A1', 12.34) })).status, 201);
    assert.equal((await send('POST', t, t, { body: payment('A1', 12.34) })).status, 200);
    assert.equal((await send('POST', t, t, { body: payment('A1', 12.35) })).status, 409);
    assert.equal((await send('POST', t, t, { body: payment('A2', 1.1), prefer: 'respond-async' })).status, 202);
    assert.equal((await send('POST', t, t, { body: payment('A1', 2), prefer: 'respond-async' })).status, 409);
    for (const body of [payment('-x', 1), payment('A3', 1.005), '{', '', '[]', '{"order_id":"A3","amount":1,"x":1}'])
      assert.equal((await send('POST', t, t, { body })).status, 400, body);
    assert.equal((await send('POST', t, t, { body: payment('A3', 'x'.repeat(20_000)) })).status, 413);
    assert.equal((await send('POST', t, t, { body: payment('A3', 1), type: 'text/plain' })).status, 415);
    temporal = 'down';
    const refused = await send('POST', t, t, { body: payment('A4', 1), prefer: 'respond-async' });
    assert.equal(refused.body.error, 'temporal unavailable');
    temporal = 'up';
    store.down = true;
    assert.equal((await send('POST', t, t, { body: payment('A4', 1) })).body.error, 'database unavailable');
    store.down = false;
  });

  it('GET /payments/{order_id}: 200, 404, 400, 405 (an empty order_id), 503, 500 (a bug)', async () => {
    const t = '/payments/{order_id}';
    assert.equal((await send('GET', t, '/payments/A1')).status, 200);
    assert.equal((await send('GET', t, '/payments/nope')).status, 404);
    assert.equal((await send('GET', t, '/payments/-x')).status, 400);
    assert.equal((await send('GET', t, '/payments/%ZZ')).status, 400);
    assert.equal((await send('GET', t, '/payments/')).status, 405);
    store.down = true;
    assert.equal((await send('GET', t, '/payments/A1')).status, 503);
    store.down = false;
    const find = store.find.bind(store);
    store.find = () => Promise.reject(new Error('a bug'));
    assert.equal((await send('GET', t, '/payments/A1')).status, 500);
    store.find = find;
  });

  it('POST /payments/{order_id}/confirm: 200 twice, 404, 400, 405, 413, 415, 503', async () => {
    const t = '/payments/{order_id}/confirm';
    assert.equal((await send('POST', t, '/payments/A1/confirm')).body.changed, true);
    assert.equal((await send('POST', t, '/payments/A1/confirm', { body: '{}' })).body.changed, false);
    assert.equal((await send('POST', t, '/payments/nope/confirm')).status, 404);
    assert.equal((await send('POST', t, '/payments/-x/confirm')).status, 400);
    assert.equal((await send('POST', t, '/payments/A1/confirm', { body: '{"a":1}' })).status, 400);
    assert.equal((await send('POST', t, '/payments/A1/confirm', { body: '\n' })).status, 400, 'whitespace is not JSON');
    assert.equal((await send('POST', t, '/payments//confirm')).status, 405);
    assert.equal((await send('POST', t, '/payments/A1/confirm', { body: `"${'x'.repeat(20_000)}"` })).status, 413);
    assert.equal((await send('POST', t, '/payments/A1/confirm', { body: '{}', type: 'text/plain' })).status, 415);
    store.down = true;
    assert.equal((await send('POST', t, '/payments/A1/confirm')).status, 503);
    store.down = false;
  });

  it('GET /health: 200, 503; GET /openapi.json: 200, the document itself', async () => {
    assert.equal((await send('GET', '/health', '/health')).status, 200);
    store.down = true;
    assert.equal((await send('GET', '/health', '/health')).status, 503);
    store.down = false;
    assert.deepEqual((await send('GET', '/openapi.json', '/openapi.json')).body, OPENAPI_DOCUMENT);
  });

  it('every answer conformed, and every documented status was given (500 once, for a bug)', () => {
    assert.deepEqual(problems, []);
    for (const route of PAYMENT_ROUTES) {
      const documented = Object.keys(checker.operation(route.method, route.path)!.responses as Json);
      const given = seen.get(`${route.method} ${route.path}`) ?? new Set();
      const missing = documented.filter((s) => !given.has(s) && !(s === '500' && route.operationId !== 'getPayment'));
      assert.deepEqual(missing, [], `${route.method} ${route.path}: documented but never given`);
    }
  });

  it('a method a documented path does not take: 405 with Allow naming the documented ones; unknown paths 404', async () => {
    for (const [path, item] of Object.entries(OPENAPI_DOCUMENT.paths)) {
      const url = path.replace('{order_id}', 'A1');
      const allowed = Object.keys(item).map((m) => m.toUpperCase());
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        const response = await fetch(`${base}${url}`, {
          method,
          headers: { 'content-type': json },
          body: method === 'GET' ? undefined : '{}',
        });
        const body = (await response.json()) as Json;
        if (allowed.includes(method)) {
          assert.notEqual(response.status, 405, `${method} ${url}`);
          assert.notEqual(body.field, '(path)', `${method} ${url}: routed`);
        } else {
          assert.equal(response.status, 405, `${method} ${url}`);
          assert.equal(response.headers.get('allow'), allowed.join(', '), `${method} ${url}`);
        }
      }
    }
    for (const url of ['/', '/payment', '/payments/a/b/c', '/payments/a/refund', '/health/x', '/openapi.yaml'])
      assert.equal((await fetch(`${base}${url}`)).status, 404, url);
  });
});
