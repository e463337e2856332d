/**
 * The payment service's OpenAPI document (GET /openapi.json) is well formed, names
 * exactly the routes the router dispatches, and its request schemas accept exactly what the
 * service's validation accepts. Real answers against it: payment-openapi-answers.test.ts.
 */
import assert from 'node:assert/strict';
import { OPENAPI_DOCUMENT } from '../../src/service/openapi-document';
import { PAYMENT_ROUTES } from '../../src/service/payment-routes';
import { MAX_AMOUNT, validateAmount, validateOrderId, validatePaymentRequest } from '../../src/shared/payment-request';
import { isDecimalMultiple, OpenApiChecker } from './harness/openapi-checker';

type Json = Record<string, unknown>;
const document = OPENAPI_DOCUMENT as unknown as Json;
const checker = new OpenApiChecker(document);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every (JSON pointer, value) of a tree. */
function* walk(node: unknown, pointer = ''): Generator<[string, unknown]> {
  yield [pointer, node];
  if (node && typeof node === 'object')
    for (const [key, child] of Object.entries(node)) yield* walk(child, `${pointer}/${key}`);
}

const operations = (): Array<{ path: string; method: string; operation: Json }> =>
  Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as Json })),
  );

describe('payment service OpenAPI document', () => {
  it('is OpenAPI 3.1 with info, paths and components, and survives JSON', () => {
    assert.match(String(document.openapi), /^3\.1\.\d+$/);
    const info = document.info as Json;
    assert.equal(typeof info.title, 'string');
    assert.equal(typeof info.version, 'string');
    assert.ok(Object.keys(document.paths as Json).length > 0);
    const components = document.components as Json;
    for (const part of ['schemas', 'responses', 'headers']) assert.ok(components[part], `components.${part}`);
    assert.deepEqual(JSON.parse(JSON.stringify(document)), document, 'plain JSON, nothing lost in serving it');
  });

  it('every $ref resolves, inside the document', () => {
    const refs = [...walk(document)].filter(([pointer]) => pointer.endsWith('/$ref'));
    assert.ok(refs.length > 20, `only ${refs.length} references`);
    for (const [pointer, ref] of refs) {
      assert.match(String(ref), /^#\/components\/(schemas|responses|headers)\/[\w-]+$/, pointer);
      assert.doesNotThrow(() => checker.resolve({ $ref: ref }), pointer);
    }
  });

  it('every component schema is valid JSON Schema 2020-12 (ajv, strict)', () => {
    const schemas = (document.components as { schemas: Json }).schemas;
    for (const name of Object.keys(schemas))
      assert.doesNotThrow(() => checker.schemaProblems({ $ref: `#/components/schemas/${name}` }, null), name);
  });

  it('every operation: a unique operationId, responses with descriptions, its path parameters declared', () => {
    const ids = new Set<string>();
    for (const { path, method, operation } of operations()) {
      const label = `${method} ${path}`;
      assert.equal(typeof operation.operationId, 'string', label);
      assert.ok(!ids.has(String(operation.operationId)), `${label}: operationId used twice`);
      ids.add(String(operation.operationId));
      const responses = operation.responses as Json;
      assert.ok(Object.keys(responses).length > 0, label);
      for (const [status, response] of Object.entries(responses)) {
        assert.match(status, /^[1-5]\d\d$/, label);
        const resolved = checker.resolve(response);
        assert.equal(typeof resolved.description, 'string', `${label} ${status}: description`);
        if (resolved.content) assert.deepEqual(Object.keys(resolved.content as Json), ['application/json'], label);
      }
      const declared = ((operation.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => p.name);
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      assert.deepEqual(declared, inTemplate, `${label}: path parameters`);
    }
  });

  it('names exactly the routes the router dispatches, and vice versa', () => {
    const documented = operations().map(({ path, method, operation }) => `${method} ${path} ${operation.operationId}`);
    const routed = PAYMENT_ROUTES.map((r) => `${r.method} ${r.path} ${r.operationId}`);
    assert.deepEqual([...documented].sort(), [...routed].sort());
  });

  it('500 and, where the database is used, 503 are documented; error answers name the field', () => {
    for (const { path, method, operation } of operations()) {
      const responses = operation.responses as Json;
      assert.ok(responses['500'], `${method} ${path}: 500`);
      if (path.startsWith('/payments')) {
        assert.ok(responses['503'], `${method} ${path}: 503`);
        assert.ok(responses['400'], `${method} ${path}: 400`);
      }
    }
  });
});

describe('payment service OpenAPI request schemas = the validation', () => {
  const requestSchema = { $ref: '#/components/schemas/PaymentRequest' };
  const orderIds: unknown[] = ['A', 'a-b_c', '0', 'order-1001', 'x'.repeat(64), 'x'.repeat(65), '', ' ', '-x', '_x'];
  orderIds.push('a b', 'é', 'a/b', 'a.b', 'A1\n', '\nA1', 'a\u0000b', '💳', 7, null, true, [], {}, ['A1']);
  const amounts: unknown[] = [1, 0.1, 1.1, 19.99, 100.5, 12.34, MAX_AMOUNT, MAX_AMOUNT - 0.01, 0.01, 2.11];
  amounts.push(0, -0.01, -1, MAX_AMOUNT + 0.01, 1e7, 1e300, 0.001, 1.005, 99.999, 0.005, 5e-324);
  amounts.push(0.1 + 0.2, 2.1100000000000003, 0.07000000001, 180340.64000000004, '1', null, true, [], {}, [1]);

  const agree = (body: unknown) => {
    const service = validatePaymentRequest(body).ok;
    const problems = checker.schemaProblems(requestSchema, body);
    assert.equal(problems.length === 0, service, `${JSON.stringify(body)}: service ${service}, schema ${problems}`);
  };

  it('order_id: the same verdict on every id', () => {
    for (const id of orderIds) {
      agree({ order_id: id, amount: 1 });
      assert.equal(
        validateOrderId(id).ok,
        checker.schemaProblems({ $ref: '#/components/schemas/OrderId' }, id).length === 0,
      );
    }
  });

  it('amount: the same verdict on every amount, two decimals read exactly (2.1100000000000003 is refused)', () => {
    for (const amount of amounts) agree({ order_id: 'A1', amount });
    for (let cents = 1; cents <= 100_000; cents += 7) {
      assert.equal(validateAmount(cents / 100).ok, true, `${cents / 100}`);
      assert.equal(isDecimalMultiple(cents / 100, 0.01), true, `${cents / 100}`);
      assert.equal(validateAmount(cents / 100 + 0.001).ok, false);
    }
  });

  it('the body: exactly order_id and amount, an object', () => {
    for (const body of [{}, { order_id: 'A1' }, { amount: 1 }, { order_id: 'A1', amount: 1, currency: 'EUR' }])
      agree(body);
    for (const body of [null, [], 'x', 1, true, [{ order_id: 'A1', amount: 1 }]]) agree(body);
    agree({ order_id: 'A1', amount: 1 });
  });
});
