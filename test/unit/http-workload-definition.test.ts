/** The HTTP workload's pure logic: bad templates and fields refused by name, templates drawn, answers coded for the audit. */
import assert from 'node:assert/strict';
import { parseExperiment } from '../../src/shared/experiment-schema';
import { renderBody, renderPath } from '../../src/shared/http-templates';
import { labHttpTargetNames } from '../../src/shared/http-workload-schema';
import { labHttpTargets } from '../../src/platform/http-targets';
import { ClassifiedError } from '../../src/platform/error-classification';
import { LEDGER_CODES, ledgerCode } from '../../src/activities/workload/http/http-ledger';
import { NEVER_SENT } from '../../src/activities/workload/http/http-request';
import type { ErrorClass } from '../../src/shared/workload-types';

const request = { name: 'create_payment', method: 'POST', path: '/payment', body: { order_id: { $requestId: true } } };
const withHttp = (http: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'x',
  ...extra,
  http: { targets: ['shop'], requests: [request], ...http },
});

describe('the HTTP workload in a definition', () => {
  it('takes the defaults: an open loop, 2xx served, 503 refused', () => {
    const d = parseExperiment(withHttp({}));
    const r = d.http!.requests[0]!;
    assert.deepEqual(r.served, [200, 201, 204]);
    assert.deepEqual(r.refused, [{ status: 503, retryAfter: false }]);
    assert.equal(d.http!.workers, undefined);
    assert.equal(d.http!.maxInFlight, 200);
  });

  const bad: Array<[unknown, RegExp]> = [
    [
      withHttp({ requests: [{ ...request, body: { amount: { $random: [1, 2] } } }] }),
      /http\.requests\.0\.body\.amount: unknown generator \$random/,
    ],
    [
      withHttp({ requests: [{ ...request, body: { n: { $randomInt: [5, 1] } } }] }),
      /http\.requests\.0\.body\.n: \$randomInt must be \[min, max\]/,
    ],
    [withHttp({ requests: [{ ...request, method: 'GET' }] }), /http\.requests\.0\.body: GET takes no body/],
    [
      withHttp({ requests: [{ ...request, path: '/payment/{orderId}' }] }),
      /http\.requests\.0\.path: unknown placeholder \{orderId\}/,
    ],
    [withHttp({ requests: [{ ...request, path: 'payment' }] }), /http\.requests\.0\.path: must start with \//],
    [
      withHttp({ requests: [{ ...request, headers: { Host: 'evil' } }] }),
      /http\.requests\.0\.headers\.Host: set by the client itself/,
    ],
    [withHttp({ requests: [request, request] }), /http\.requests: request names must be unique/],
    [withHttp({ requests: [{ ...request, served: [200, 503] }] }), /http\.requests\.0\.refused: 503 also served/],
    [withHttp({ ratePerSecond: 5, workers: 2 }), /http\.workers: either ratePerSecond/],
    [withHttp({ targets: ['Shop!'] }), /http\.targets\.0: must be a name/],
    [withHttp({ targets: ['direct'] }, { paths: ['direct'] }), /http\.targets\.0: "direct" is also a database path/],
  ];
  for (const [input, message] of bad) {
    it(`refuses ${message.source}`, () => assert.throws(() => parseExperiment(input), message));
  }
});

describe('request templates', () => {
  const draws = (values: number[]) => {
    let i = 0;
    return { requestId: 'fl-abc-s1-7', random: () => values[i++ % values.length]!, uuid: () => 'u-1' };
  };

  it('draws each generator and leaves everything else as written', () => {
    const body = renderBody(
      {
        order_id: { $requestId: true },
        amount: { $randomInt: [100, 199], divideBy: 100 },
        currency: { $pick: ['EUR', 'USD'] },
        key: { $uuid: true },
        items: [{ sku: 'A', qty: { $randomInt: [1, 3] } }],
        note: null,
      },
      draws([0.5, 0.99, 0.0]),
    );
    assert.deepEqual(body, {
      order_id: 'fl-abc-s1-7',
      amount: 1.5,
      currency: 'USD',
      key: 'u-1',
      items: [{ sku: 'A', qty: 1 }],
      note: null,
    });
  });

  it("fills a path's {requestId}, percent-encoded", () => {
    assert.equal(renderPath('/payment/{requestId}/confirm', 'a b/c'), '/payment/a%20b%2Fc/confirm');
  });
});

describe("the lab's HTTP targets", () => {
  it("are the names init refuses for a user's own target", () => {
    assert.deepEqual(Object.keys(labHttpTargets()).sort(), [...labHttpTargetNames].sort());
  });
});

describe('what the audit ledger records of each answer', () => {
  const failed = (errorClass: ErrorClass, message: string, code?: string) =>
    ledgerCode({ kind: 'failed', error: new ClassifiedError(errorClass, message, code) });

  it('served, refused; a 500 or a refused connection failed; a gateway, a malformed body, no answer unknown', () => {
    assert.equal(ledgerCode({ kind: 'served', status: 201 }), LEDGER_CODES.served);
    assert.equal(ledgerCode({ kind: 'refused', status: 503 }), LEDGER_CODES.refused);
    assert.equal(failed('http_status', 'HTTP 500', '500'), LEDGER_CODES.failed);
    assert.equal(failed('http_status', 'HTTP 409', '409'), LEDGER_CODES.failed);
    assert.equal(failed('connection_refused', 'connect ECONNREFUSED', 'ECONNREFUSED'), LEDGER_CODES.failed);
    assert.equal(failed('timeout', 'due longer than the timeout ago: never sent', NEVER_SENT), LEDGER_CODES.failed);
    for (const status of ['502', '503', '504'])
      assert.equal(failed('http_status', `HTTP ${status}`, status), LEDGER_CODES.unknown, status);
    assert.equal(failed('malformed', 'HTTP 201 with a body that is not JSON'), LEDGER_CODES.unknown);
    assert.equal(failed('timeout', 'no answer within the timeout'), LEDGER_CODES.unknown);
    assert.equal(failed('connection_reset', 'socket hang up', 'ECONNRESET'), LEDGER_CODES.unknown);
    assert.equal(ledgerCode({ kind: 'cut' }), LEDGER_CODES.unknown);
  });
});
