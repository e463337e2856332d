/** A path's live figures merged from its shards (pure logic; the scale-out test sees them in the status query). */
import assert from 'node:assert/strict';
import { liveByPath, liveKey } from '../../src/shared/live-progress';
import type { WorkloadProgress } from '../../src/shared/workload-types';

const progress = (over: Partial<WorkloadProgress>): WorkloadProgress => ({
  connection: 'direct',
  phase: 'fault',
  at: 1000,
  elapsedMs: 10_000,
  attempts: 100,
  successes: 90,
  failures: 10,
  opsPerSecond: 20,
  errorRate: 0.5,
  down: false,
  downSince: null,
  stalled: 0,
  oldestInFlightMs: 5,
  downtimeMs: 1200,
  held: 1,
  ...over,
});

describe('live figures per path (unit)', () => {
  it('adds up the shards, down when one is (since the earliest), the longest downtime so far', () => {
    const a = progress({ shard: { index: 0, count: 2 } });
    const b = progress({
      shard: { index: 1, count: 2 },
      at: 1200,
      attempts: 50,
      successes: 30,
      failures: 20,
      opsPerSecond: 10,
      errorRate: 1,
      down: true,
      downSince: '2026-11-24T00:00:01.000Z',
      stalled: 2,
      oldestInFlightMs: 1500,
      downtimeMs: 2500,
      held: 0,
    });
    const proxy = progress({ connection: 'proxy' });
    assert.notEqual(liveKey(a), liveKey(b), 'each shard keeps its own entry');
    const [direct, other] = liveByPath([proxy, b, a]);
    assert.deepEqual(direct, {
      ...progress({}),
      at: 1200,
      attempts: 150,
      successes: 120,
      failures: 30,
      opsPerSecond: 30,
      errorRate: (0.5 * 20 + 1 * 10) / 30,
      down: true,
      downSince: '2026-11-24T00:00:01.000Z',
      stalled: 2,
      oldestInFlightMs: 1500,
      downtimeMs: 2500,
      held: 1,
      shards: 2,
    });
    assert.deepEqual(other, proxy, 'a path in one piece is shown as it came');
  });
});
