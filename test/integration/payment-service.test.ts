/**
 * The payment service on the real lab (its process is started by `faultline up`):
 * idempotency, 500+ malformed requests that get only 4xx and change nothing, and the database
 * failure experiment: 503 during the outage (never a 500 or a hang), health back to 200 without a
 * restart, and an audit with nothing lost or duplicated.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runningProcess } from '../../src/lab/background-process';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import { paymentServiceUrl } from '../../src/service/client/service-url';
import { PAYMENT_TASK_QUEUE } from '../../src/shared/names';
import { experimentOrderPrefix } from '../../src/activities/workload/payments/payment-state';
import { dbContainer, ensureDbRunning, sqlQuery } from './harness/lab-database';
import { runExperiment, type RunOutcome } from './harness/experiments';
import { recordHistory } from './harness/histories';
import { runProgram } from './harness/run-cli';
import { currentBuild, pollingBuilds } from './harness/deployment-versions';
import { paymentsAtRest, paymentsSnapshot, rowsAfter } from './harness/payments-table';

const base = paymentServiceUrl();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const unique = `t${process.pid}x${Date.now().toString(36)}`;

async function call(method: string, urlPath: string, body?: string, contentType = 'application/json') {
  const response = await fetch(`${base}${urlPath}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, attempts: response.headers.get('x-payment-attempts') };
}

/** An example file, shortened for the suite. */
const shortExample = (name: string, durations: Record<string, number>) => ({
  ...(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', name), 'utf8')) as Record<string, unknown>),
  durations,
  steadyState: { minSuccessRate: 0.99, maxP99Ms: 1000, windowSeconds: 2 },
  report: { directory: 'test-artifacts/reports' },
});

/** At least 500 requests a careless or hostile client might send; every one must get a 4xx. */
function malformedRequests(): Array<{
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  why: string;
}> {
  const requests: Array<{ method: string; path: string; body?: string; contentType?: string; why: string }> = [];
  const post = (body: string, why: string, contentType?: string) =>
    requests.push({ method: 'POST', path: '/payments', body, contentType, why });
  const goodId = `${unique}-never`;
  const badIds: unknown[] = [
    '',
    ' ',
    '-x',
    '_x',
    'a b',
    'x'.repeat(65),
    'x'.repeat(1000),
    'é',
    'ordre-é',
    '日本',
    '💳',
    'a/b',
    'a\\b',
    'a.b',
    'a\u0000b',
    'a\nb',
    "'; DROP TABLE payments;--",
    '<script>',
    '%00',
    '..',
    'a%2Fb',
    12,
    0,
    -1,
    1.5,
    true,
    false,
    null,
    [],
    ['A1'],
    {},
    { id: 'A1' },
  ];
  const badAmounts: unknown[] = [
    0,
    -0.01,
    -1,
    -1e9,
    1e7,
    1_000_000.01,
    1e300,
    0.001,
    1.005,
    99.999,
    0.0001,
    '100',
    '100.00',
    '',
    'abc',
    true,
    false,
    null,
    [],
    [100],
    {},
    { value: 1 },
  ];
  for (const id of badIds)
    for (const amount of [1, 100.5, 7.25])
      post(JSON.stringify({ order_id: id, amount }), `order_id ${JSON.stringify(id)}`);
  for (const amount of badAmounts)
    for (const suffix of ['a', 'b', 'c', 'd', 'e', 'f'])
      post(JSON.stringify({ order_id: `${goodId}${suffix}`, amount }), `amount ${JSON.stringify(amount)}`);
  for (const id of badIds.slice(0, 15))
    for (const amount of badAmounts.slice(0, 15)) post(JSON.stringify({ order_id: id, amount }), 'both bad');
  const badJson = [
    '{',
    '}',
    '{"order_id":',
    '{"order_id":"A1","amount":1,}',
    "{'order_id':'A1','amount':1}",
    '{"order_id":"A1" "amount":1}',
    'NaN',
    '{"amount":NaN}',
    '{"amount":Infinity}',
    'undefined',
    '\u0000',
    '{"a":1',
    '[1,2',
    'nul',
    'tru',
    '"unterminated',
    '{"order_id":"A1","amount":01}',
    '{"order_id":"A1","amount":.5}',
    '{"order_id":"A1","amount":1e}',
    '{"order_id":"A1","amount":+1}',
  ];
  for (const text of badJson) for (let i = 0; i < 3; i++) post(text, `bad JSON ${text.slice(0, 20)}`);
  for (const value of [
    'null',
    'true',
    '1',
    '"x"',
    '[]',
    '[{"order_id":"A1","amount":1}]',
    '{}',
    '{"order_id":null,"amount":null}',
  ])
    post(value, `not a payment: ${value}`);
  for (const extra of [
    'currency',
    'status',
    'id',
    'confirmed_at',
    '__proto__',
    'constructor',
    'AMOUNT',
    'Order_Id',
    ' amount',
    'x'.repeat(200),
  ]) {
    post(`{"order_id":"${goodId}u","amount":1,${JSON.stringify(extra)}:1}`, `unknown field ${extra.slice(0, 20)}`);
  }
  post(JSON.stringify({ order_id: `${goodId}big`, amount: 1, pad: 'x'.repeat(20_000) }), 'oversized body');
  post('', 'empty body');
  post(`{"order_id":"${goodId}ct","amount":1}`, 'text/plain', 'text/plain');
  post(`order_id=${goodId}&amount=1`, 'form', 'application/x-www-form-urlencoded');
  post(`{"order_id":"${goodId}ct2","amount":1}`, 'no content type', '');
  for (const id of ['-x', 'a b', 'x'.repeat(65), '%E9', '%ZZ', 'a%2Fb', '..', '%00', '💳']) {
    requests.push({ method: 'GET', path: `/payments/${encodeURI(id)}`, why: `GET odd id ${id.slice(0, 10)}` });
    requests.push({
      method: 'POST',
      path: `/payments/${encodeURI(id)}/confirm`,
      why: `confirm odd id ${id.slice(0, 10)}`,
    });
  }
  for (let i = 0; i < 10; i++)
    requests.push({ method: 'POST', path: `/payments/${goodId}${i}/confirm`, why: 'confirm of an unknown order' });
  requests.push({
    method: 'POST',
    path: `/payments/${goodId}/confirm`,
    body: '{"amount":5}',
    why: 'confirm with a field',
  });
  requests.push({ method: 'POST', path: `/payments/${goodId}/confirm`, body: '[', why: 'confirm with bad JSON' });
  for (const [method, p] of [
    ['PUT', '/payments'],
    ['DELETE', '/payments'],
    ['GET', '/payments'],
    ['PATCH', `/payments/${goodId}`],
    ['DELETE', `/payments/${goodId}`],
    ['GET', `/payments/${goodId}/confirm`],
    ['POST', '/health'],
    ['GET', '/'],
    ['GET', '/payment'],
    ['GET', '/payments/a/b/c'],
    ['POST', '/payments/a/refund'],
  ] as const) {
    requests.push({ method, path: p, body: method === 'GET' ? undefined : '{}', why: `${method} ${p}` });
  }
  return requests;
}

describe('payment service (seed 000) on the real lab', function () {
  this.timeout(300_000);
  afterEach(ensureDbRunning);

  it('is healthy, idempotent by order_id, and confirming twice is harmless', async () => {
    const health = await call('GET', '/health');
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(health.json!).sort(), ['database', 'status', 'timestamp']);
    assert.equal(health.json!.status, 'healthy');

    const orderId = `${unique}-idem`;
    const first = await call('POST', '/payments', JSON.stringify({ order_id: orderId, amount: 100 }));
    assert.equal(first.status, 201);
    assert.equal(first.json!.status, 'pending');
    assert.equal(first.attempts, '1');
    const again = await call('POST', '/payments', JSON.stringify({ order_id: orderId, amount: 100.0 }));
    assert.equal(again.status, 200, 'a resubmission returns the existing payment');
    assert.equal(again.json!.created, false);
    const other = await call('POST', '/payments', JSON.stringify({ order_id: orderId, amount: 99 }));
    assert.equal(other.status, 409);
    assert.equal(other.json!.field, 'amount');
    const confirm1 = await call('POST', `/payments/${orderId}/confirm`);
    const confirm2 = await call('POST', `/payments/${orderId}/confirm`);
    assert.equal(confirm1.status, 200);
    assert.equal(confirm1.json!.changed, true);
    assert.equal(confirm2.status, 200);
    assert.equal(confirm2.json!.changed, false);
    assert.equal(confirm2.json!.confirmed_at, confirm1.json!.confirmed_at, 'the second confirm changes nothing');
    const read = await call('GET', `/payments/${orderId}`);
    assert.equal(read.status, 200);
    assert.equal(read.json!.amount, 100);
    assert.equal(read.json!.status, 'confirmed');
    const rows = await sqlQuery<{ n: string }>('SELECT count(*)::text AS n FROM payments WHERE order_id = $1', [
      orderId,
    ]);
    assert.equal(rows[0]!.n, '1', 'charged once');
    assert.equal((await call('GET', `/payments/${unique}-missing`)).status, 404);
  });

  it('concurrent POSTs with the same order_id: exactly one 201, the rest 200, one row', async () => {
    const orderId = `${unique}-race`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/payments', JSON.stringify({ order_id: orderId, amount: 42.5 }))),
    );
    const statuses = answers.map((a) => a.status).sort((a, b) => a - b);
    assert.deepEqual(statuses, [...Array.from({ length: 19 }, () => 200), 201], statuses.join(' '));
    const rows = await sqlQuery<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE order_id = $1', [
      orderId,
    ]);
    assert.equal(rows[0]!.n, 1, 'charged once');
  });

  it('a conflicting amount is 409 naming amount on both paths (sync and respond-async); answers that touched the database carry X-Payment-Attempts', async () => {
    const orderId = `${unique}-conflict`;
    const created = await call('POST', '/payments', JSON.stringify({ order_id: orderId, amount: 10 }));
    assert.equal(created.status, 201);
    const sync = await call('POST', '/payments', JSON.stringify({ order_id: orderId, amount: 11 }));
    assert.equal(sync.status, 409);
    assert.equal(sync.json!.field, 'amount');
    assert.equal(sync.attempts, '1', 'the 409 touched the database');
    const asyncAnswer = async (id: string, amount: number) => {
      const response = await fetch(`${base}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'respond-async' },
        body: JSON.stringify({ order_id: id, amount }),
        signal: AbortSignal.timeout(30_000),
      });
      return {
        status: response.status,
        json: (await response.json()) as Record<string, unknown>,
        attempts: response.headers.get('x-payment-attempts'),
      };
    };
    // Stored synchronously with 10.00: a durable request for 11.00 is the same conflict, not a 202.
    const stored = await asyncAnswer(orderId, 11);
    assert.equal(stored.status, 409, JSON.stringify(stored.json));
    assert.equal(stored.json.field, 'amount');
    assert.equal(stored.attempts, '1');
    // Accepted durably first, then asked again with another amount.
    const durable = `${unique}-durable-conflict`;
    assert.equal((await asyncAnswer(durable, 20)).status, 202);
    const again = await asyncAnswer(durable, 20);
    assert.equal(again.status, 202, 'the same amount again is the same payment');
    const other = await asyncAnswer(durable, 21);
    assert.equal(other.status, 409, JSON.stringify(other.json));
    assert.equal(other.json.field, 'amount');
    assert.equal(
      (await call('GET', `/payments/${unique}-nothing-here`)).attempts,
      '1',
      'a 404 that looked it up says so',
    );
  });

  it('accepts a payment durably while the database is down (Prefer: respond-async), and completes it after', async () => {
    const orderId = `${unique}-async`;
    await dbContainer().stop({ t: 1 });
    const sync = await call('POST', '/payments', JSON.stringify({ order_id: `${orderId}-sync`, amount: 5 }));
    assert.equal(sync.status, 503, 'the synchronous path answers 503 while the database is down');
    const response = await fetch(`${base}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ order_id: orderId, amount: 12.34 }),
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(response.status, 202);
    const accepted = (await response.json()) as Record<string, unknown>;
    assert.equal(accepted.status, 'accepted');
    assert.equal(response.headers.get('location'), `/payments/${orderId}`);
    await sleep(2000);
    assert.equal((await call('GET', `/payments/${orderId}`)).status, 503, 'still down, still accepted');
    await ensureDbRunning();
    let final: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 60 && final?.json?.status !== 'confirmed'; i++) {
      final = await call('GET', `/payments/${orderId}`);
      if (final.json?.status !== 'confirmed') await sleep(500);
    }
    assert.equal(final?.json?.status, 'confirmed', 'the payment accepted during the outage completed after it');
    assert.equal(final?.json?.amount, 12.34);
  });

  it('answers 500+ malformed requests with 4xx only, naming the field, and changes nothing', async () => {
    const requests = malformedRequests();
    assert.ok(requests.length >= 500, `only ${requests.length} requests generated`);
    await paymentsAtRest();
    const before = await paymentsSnapshot();
    const [last] = await sqlQuery<{ id: number | null }>('SELECT max(id)::int AS id FROM payments');
    const byStatus = new Map<number, number>();
    const wrong: string[] = [];
    for (let i = 0; i < requests.length; i += 25) {
      await Promise.all(
        requests.slice(i, i + 25).map(async (r) => {
          const answer = await call(r.method, r.path, r.body, r.contentType);
          byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
          if (answer.status < 400 || answer.status >= 500)
            wrong.push(`${r.why}: ${answer.status} ${answer.text.slice(0, 120)}`);
          else if (typeof answer.json?.field !== 'string' || typeof answer.json?.message !== 'string')
            wrong.push(`${r.why}: no field/message in ${answer.text.slice(0, 120)}`);
        }),
      );
    }
    process.stderr.write(
      `      ${requests.length} malformed requests: ${[...byStatus]
        .sort()
        .map(([s, n]) => `${s} x${n}`)
        .join(', ')}\n`,
    );
    assert.deepEqual(wrong, []);
    assert.equal(
      await paymentsSnapshot(),
      before,
      `the payments table is unchanged; rows added: ${await rowsAfter(last?.id ?? 0)}`,
    );
  });

  it('database failure: 503 during a 10 s stop, health back to 200 without a restart, nothing lost or duplicated', async () => {
    const definition = shortExample('payments-database-failure.json', {
      warmupSeconds: 4,
      faultSeconds: 10,
      recoveryTimeoutSeconds: 60,
    });
    const pidBefore = runningProcess('payment-service')?.pid;
    assert.ok(pidBefore, 'the payment service runs (faultline up)');
    const health: Array<{ at: number; status: number }> = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const answer = await call('GET', '/health').catch(() => ({ status: 0 }));
        health.push({ at: Date.now(), status: answer.status });
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    let run: RunOutcome;
    try {
      run = await runExperiment('payments-failure', definition, 280_000);
    } finally {
      watching = false;
      await watcher;
    }
    const { cli: result, last, report } = run;
    assert.equal(report.verdict, 'held', report.verdictReason);

    const statuses = health.map((h) => h.status);
    const first503 = statuses.indexOf(503);
    assert.ok(first503 >= 0, `health never said 503: ${statuses.join(' ')}`);
    assert.ok(statuses.slice(first503).includes(200), 'health came back to 200');
    assert.equal(statuses.at(-1), 200);
    assert.deepEqual(
      statuses.filter((s) => s !== 200 && s !== 503),
      [],
      'health answers 200 or 503, nothing else',
    );
    assert.equal(runningProcess('payment-service')?.pid, pidBefore, 'the service was not restarted');

    const payments = report.payments!;
    const http = payments.workload.phases.filter((p) => p.channel === 'http');
    const outcomes = (phase: string) => http.find((p) => p.phase === phase)?.create.outcomes ?? {};
    assert.ok(
      (outcomes('fault')['503'] ?? 0) > 0,
      `HTTP calls during the outage got 503: ${JSON.stringify(outcomes('fault'))}`,
    );
    for (const p of http) {
      for (const [outcome, n] of [...Object.entries(p.create.outcomes), ...Object.entries(p.confirm.outcomes)]) {
        assert.ok(['200', '201', '503'].includes(outcome), `${p.phase}: ${n} call(s) answered ${outcome}`);
      }
    }
    const audit = payments.audit!;
    process.stderr.write(
      `      audit: ${audit.acknowledged} acknowledged, ${audit.lost} lost, ${audit.duplicated} duplicated, ${audit.acceptedDuringOutageCompletedAfter} accepted during the outage and completed after; last pending completed ${audit.lastPendingCompletedAt}\n`,
    );
    assert.ok(audit.acknowledged > 0);
    assert.equal(audit.lost, 0);
    assert.equal(audit.duplicated, 0);
    assert.equal(audit.wrongAmount, 0);
    assert.equal(audit.stillPending, 0);
    assert.equal(audit.found, audit.acknowledged);
    assert.ok(audit.acceptedDuringOutageCompletedAfter > 0, 'payments accepted during the outage completed after it');
    const workflowChannel = audit.byChannel.find((c) => c.channel === 'workflow')!;
    assert.ok(
      workflowChannel.acceptedDuringOutageCompletedAfter > 0,
      'the durable path accepted payments during the outage',
    );
    assert.ok(
      audit.lastPendingCompletedAt &&
        Date.parse(audit.lastPendingCompletedAt) >= Date.parse(report.timestamps.restoreRequestedAt!),
      'the last pending payment completed after the restore',
    );
    const rows = await sqlQuery<{ n: string }>(
      "SELECT count(*)::text AS n FROM payments WHERE order_id LIKE $1 || '-%'",
      [experimentOrderPrefix(last.workflowId)],
    );
    assert.equal(
      Number(rows[0]!.n),
      audit.found + audit.writtenDespiteRefusal + audit.writtenDespiteFailure + audit.unknown.written,
      'the audit counted every row of the run',
    );
    assert.match(result.stdout, /Audit HOLDS/);
    assert.match(readFileSync(last.report.json.replace(/json$/, 'html'), 'utf8'), /Payment service/);
    await recordHistory(last.workflowId, 'payments-database-failure');
  });

  it('runs as a compose service too (profile `service`)', async () => {
    const compose = (args: string[]) =>
      runProgram(
        'docker-compose',
        [
          '-p',
          labSettings().composeProject,
          '-f',
          path.join(PROJECT_ROOT, 'docker-compose.yml'),
          '--profile',
          'service',
          ...args,
        ],
        { FAULTLINE_SERVICE_PORT: '15081', FAULTLINE_NODE_BINARY: process.execPath },
      );
    const served = await currentBuild(PAYMENT_TASK_QUEUE);
    assert.ok(served, "the lab's payment service made its build current");
    const up = await compose(['up', '-d', '--no-build', 'payment-service']);
    assert.equal(up.code, 0, up.stderr);
    try {
      const deadline = Date.now() + 90_000;
      let health = 0;
      while (Date.now() < deadline && health !== 200) {
        health = await fetch('http://127.0.0.1:15081/health', { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.status,
          () => 0,
        );
        if (health !== 200) await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(health, 200, 'the containerised service answers /health within 90 s');
      const orderId = `${unique}-container`;
      const created = await fetch('http://127.0.0.1:15081/payments', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order_id: orderId, amount: 42.42 }),
      });
      assert.equal(created.status, 201);
      const rows = await sqlQuery<{ amount: string }>('SELECT amount::text FROM payments WHERE order_id = $1', [
        orderId,
      ]);
      assert.deepEqual(rows, [{ amount: '42.42' }]);
      // It runs the sources (another build id than the lab's) and polls beside the lab's worker,
      // which serves the deployment: it must not take new payments to a build that goes away.
      let polling = await pollingBuilds(PAYMENT_TASK_QUEUE);
      for (const until = Date.now() + 30_000; polling.length < 2 && Date.now() < until; await sleep(500))
        polling = await pollingBuilds(PAYMENT_TASK_QUEUE);
      assert.ok(polling.length >= 2 && polling.includes(served), `two builds poll: ${polling}`);
      await sleep(3000); // its first look at the deployment is as it polls
      assert.equal(await currentBuild(PAYMENT_TASK_QUEUE), served, 'the container left the current version alone');
    } finally {
      const down = await compose(['rm', '-s', '-f', 'payment-service']);
      assert.equal(down.code, 0, down.stderr);
    }
    assert.equal(await currentBuild(PAYMENT_TASK_QUEUE), served, "the lab's build serves the payments after it");
  });

  it('normal operation (a baseline without a fault): every payment acknowledged and confirmed', async () => {
    const definition = shortExample('payments-normal.json', {
      warmupSeconds: 2,
      faultSeconds: 5,
      recoveryTimeoutSeconds: 30,
    });
    const { report } = await runExperiment('payments-normal', definition, 200_000);
    assert.equal(report.verdict, 'held', report.verdictReason);
    assert.equal(report.timestamps.injectRequestedAt, null, 'nothing injected');
    assert.ok(report.paths[0]!.phases.some((p) => p.phase === 'measure'));
    const phases = report.payments!.workload.phases;
    for (const p of phases)
      assert.equal(p.create.acknowledged, p.create.calls, `${p.phase} ${p.channel}: every create acknowledged`);
    const audit = report.payments!.audit!;
    assert.ok(audit.acknowledged >= 20, `only ${audit.acknowledged} payments`);
    assert.equal(audit.holds, true);
    assert.equal(audit.lost + audit.duplicated + audit.stillPending, 0);
  });
});
