/**
 * Workload settings and error classification (pure logic); the measuring client is a setting,
 * resolved once for the whole path.
 */
import assert from 'node:assert/strict';
import { classifyError, sqlState } from '../../src/platform/error-classification';
import { operationChooser } from '../../src/activities/workload/engine/workload-engine';
import { catalog } from '../../src/activities/workload/operations/operation-catalog';
import { ErrorBudget } from '../../src/activities/workload/measurement/error-budget';
import { parseWorkloadSettings, shardSettings } from '../../src/shared/workload-settings';
import type { WorkloadProgress } from '../../src/shared/workload-types';

describe('workload settings', () => {
  it("defaults to the seed's: 70/20/10, 3 workers, pool 5, 0.1-0.5 s think time", () => {
    const s = parseWorkloadSettings({});
    assert.deepEqual(s.weights, { read: 70, write: 20, transaction: 10 });
    assert.equal(s.concurrentWorkers, 3);
    assert.equal(s.poolSize, 5);
    assert.deepEqual(s.thinkTimeSeconds, { min: 0.1, max: 0.5 });
  });

  const invalid: Array<[unknown, RegExp]> = [
    [{ weights: { read: 70, write: 20, transaction: 20 } }, /weights: read \+ write \+ transaction must add up to 100/],
    [{ weights: { read: -10, write: 100, transaction: 10 } }, /weights\.read: must be >= 0/],
    [{ weights: { read: 'seventy' } }, /weights\.read/],
    [{ concurrentWorkers: 0 }, /concurrentWorkers: must be >= 1/],
    [{ concurrentWorkers: 2.5 }, /concurrentWorkers: must be a whole number/],
    [{ poolSize: 10_000 }, /poolSize: must be <= 512/],
    [{ thinkTimeSeconds: { min: 1, max: 0.5 } }, /thinkTimeSeconds: min must be <= max/],
    [{ thinkTimeSeconds: { min: -1, max: 0 } }, /thinkTimeSeconds\.min: must be >= 0/],
    [{ pgbench: { enabled: true, clients: 0 } }, /pgbench\.clients: must be >= 1/],
    [{ concurrentWorkers: 2, shards: 3 }, /shards: at most one shard per concurrent worker/],
    [{ shards: 0 }, /shards: must be >= 1/],
    [{ client: 'libpq' }, /client/],
    [
      { concurrentWorkers: 5, poolSize: 4, client: 'dedicated' },
      /client: "dedicated" opens a connection for each of the 5 workers, more than poolSize 4 allows/,
    ],
    [{ turbo: true }, /turbo|Unrecognized key/],
  ];
  for (const [input, message] of invalid) {
    it(`rejects ${JSON.stringify(input)} naming the field`, () => {
      assert.throws(
        () => parseWorkloadSettings(input, 'workload'),
        (err: Error) => {
          assert.match(err.message, message);
          assert.match(err.message, /workload/);
          return true;
        },
      );
    });
  }

  it('chooses operations by the weights (70/20/10 over 100,000 draws, within 1%)', () => {
    const choose = operationChooser(catalog(), { read: 70, write: 20, transaction: 10 });
    const counts = { read: 0, write: 0, transaction: 0 };
    for (let i = 0; i < 100_000; i++) counts[choose().type]++;
    assert.ok(Math.abs(counts.read / 1000 - 70) < 1, JSON.stringify(counts));
    assert.ok(Math.abs(counts.write / 1000 - 20) < 1, JSON.stringify(counts));
    assert.ok(Math.abs(counts.transaction / 1000 - 10) < 1, JSON.stringify(counts));
  });
});

describe('error classification', () => {
  const cases: Array<[unknown, string, string | undefined]> = [
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:15432'), { code: 'ECONNREFUSED' }),
      'connection_refused',
      undefined,
    ],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'connection_reset', undefined],
    [Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), 'connection_reset', undefined],
    [new Error('Connection terminated unexpectedly'), 'connection_reset', undefined],
    [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      'admin_shutdown',
      '57P01',
    ],
    [Object.assign(new Error('the database system is starting up'), { code: '57P03' }), 'connection_refused', '57P03'],
    [
      Object.assign(new Error('cannot execute UPDATE in a read-only transaction'), { code: '25006' }),
      'read_only',
      '25006',
    ],
    [new Error('Query read timeout'), 'timeout', undefined],
    [new Error('timeout exceeded when trying to connect'), 'timeout', undefined],
    [Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), 'timeout', '57014'],
    [Object.assign(new Error('server conn crashed?'), { code: '08P01' }), 'connection_reset', '08P01'],
    [Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }), 'other', '23505'],
    // libpq's own words (clients built on libpq)
    [
      new Error(
        'connection to server at "127.0.0.1", port 15432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?',
      ),
      'connection_refused',
      undefined,
    ],
    [
      new Error('connection to server at "127.0.0.1", port 15432 failed: FATAL:  the database system is shutting down'),
      'connection_refused',
      undefined,
    ],
    [new Error('could not receive data from server: Connection reset by peer'), 'connection_reset', undefined],
    [new Error('no connection to the server'), 'connection_reset', undefined],
    [new Error('server closed the connection unexpectedly'), 'connection_reset', undefined],
  ];
  for (const [err, cls, state] of cases) {
    it(`${(err as Error).message} -> ${cls}${state ? ` (${state})` : ''}`, () => {
      assert.equal(classifyError(err), cls);
      assert.equal(sqlState(err), state);
    });
  }
});

describe('shard settings (workload.shards)', () => {
  it('splits the workers and the pool among the shards, the first taking the remainder; pgbench on shard 0 only', () => {
    const s = parseWorkloadSettings({ concurrentWorkers: 5, poolSize: 7, shards: 2, pgbench: { enabled: true } });
    const parts = [0, 1].map((i) => shardSettings(s, i, 2));
    assert.deepEqual(
      parts.map((p) => [p.concurrentWorkers, p.poolSize, p.pgbench.enabled, p.shards]),
      [
        [3, 4, true, 1],
        [2, 3, false, 1],
      ],
    );
    assert.equal(parts[0]!.concurrentWorkers + parts[1]!.concurrentWorkers, 5);
    assert.equal(shardSettings(s, 0, 1), s);
  });
});

describe('the measuring client (workload.client)', () => {
  const clientOf = (input: object) => parseWorkloadSettings(input).client;

  it('defaults to dedicated when the pool has a connection for every worker, else to pool', () => {
    assert.equal(clientOf({}), 'dedicated', '3 workers, pool 5');
    assert.equal(clientOf({ concurrentWorkers: 4, poolSize: 4 }), 'dedicated');
    assert.equal(clientOf({ concurrentWorkers: 5, poolSize: 4 }), 'pool');
  });

  it('keeps an explicit choice, and parses its own output again to the same settings', () => {
    assert.equal(clientOf({ concurrentWorkers: 2, poolSize: 8, client: 'pool' }), 'pool');
    const s = parseWorkloadSettings({ concurrentWorkers: 5, poolSize: 4 });
    assert.deepEqual(parseWorkloadSettings(s), s, 'a continued run re-parses the parsed definition');
  });

  it("is resolved on the path's totals: 5 workers, pool 4, 2 shards measure with pool on both shards", () => {
    const s = parseWorkloadSettings({ concurrentWorkers: 5, poolSize: 4, shards: 2 });
    const parts = [0, 1].map((i) => shardSettings(s, i, 2));
    // Shard 1 alone (2 workers, pool 2) would have had a connection per worker.
    assert.deepEqual(
      parts.map((p) => [p.concurrentWorkers, p.poolSize, p.client]),
      [
        [3, 2, 'pool'],
        [2, 2, 'pool'],
      ],
    );
  });

  it('gives every shard of a dedicated path a connection for each of its workers', () => {
    for (let workers = 1; workers <= 24; workers++)
      for (let pool = workers; pool <= 26; pool++)
        for (let shards = 1; shards <= workers; shards++) {
          const s = parseWorkloadSettings({ concurrentWorkers: workers, poolSize: pool, shards });
          assert.equal(s.client, 'dedicated');
          for (let i = 0; i < shards; i++) {
            const part = shardSettings(s, i, shards);
            assert.equal(part.client, 'dedicated');
            assert.ok(part.poolSize >= part.concurrentWorkers, JSON.stringify({ workers, pool, shards, i }));
          }
        }
  });
});

describe('error budget (stop condition)', () => {
  const progress = (phase: string, errorRate: number, stalled = 0): WorkloadProgress => ({
    connection: 'direct',
    phase,
    at: 0,
    elapsedMs: 0,
    attempts: 10,
    successes: 5,
    failures: 5,
    opsPerSecond: 10,
    errorRate,
    down: stalled > 0 || errorRate > 0,
    downSince: null,
    stalled,
    oldestInFlightMs: 0,
    downtimeMs: 0,
    held: 0,
  });

  it('breaks once the error rate stays above the budget for forSeconds after the fault window', () => {
    const budget = new ErrorBudget({ maxErrorRate: 0.5, forSeconds: 3 });
    assert.equal(budget.observe(progress('fault', 1), 0), undefined, 'the fault window itself is not counted');
    assert.equal(budget.observe(progress('recovery', 0.9), 1000), undefined);
    assert.equal(budget.observe(progress('recovery', 0.9), 3000), undefined);
    assert.match(
      budget.observe(progress('recovery', 0.9), 4000)!,
      /stop condition: error rate on direct above 50\.0% for 3 s after the fault window/,
    );
    assert.equal(budget.observe(progress('recovery', 0.9), 5000), undefined, 'reported once');
  });

  it('counts a stalled path (nothing completes, nothing fails) as failing everything', () => {
    const budget = new ErrorBudget({ maxErrorRate: 0.5, forSeconds: 2 });
    assert.equal(budget.observe(progress('recovery', 0, 3), 0), undefined);
    assert.match(budget.observe(progress('recovery', 0, 3), 2500)!, /stop condition/);
  });

  it('starts over when the error rate drops back within the budget', () => {
    const budget = new ErrorBudget({ maxErrorRate: 0.2, forSeconds: 2 });
    budget.observe(progress('recovery', 0.5), 0);
    budget.observe(progress('recovery', 0.1), 1500);
    assert.equal(budget.observe(progress('steady-state-after', 0.5), 2500), undefined);
    assert.ok(budget.observe(progress('steady-state-after', 0.5), 4600));
  });
});
