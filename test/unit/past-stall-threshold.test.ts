/**
 * The share of the workload's operations past the stall threshold. Counted per
 * operation (so per type and per phase), of the successes only: a slow operation (every round trip
 * answered in time, the whole of it longer than the threshold) and a held one alike. It survives a
 * checkpoint, shards merge it exactly, and figures measured before it was counted have none (never 0).
 */
import assert from 'node:assert/strict';
import { resultFromCheckpoint } from '../../src/activities/workload/measurement/checkpoint-result';
import type { MeasurementCheckpoint } from '../../src/activities/workload/measurement/measurement-checkpoint';
import { mergeCheckpoints } from '../../src/activities/workload/measurement/merge-shards';
import { PathMeasurement, type OperationRef } from '../../src/activities/workload/measurement/path-measurement';

const read = { name: 'active_users', type: 'read' } as const;
const purchase = { name: 'purchase', type: 'transaction' } as const;
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const T0 = 1_000_000;

/**
 * 400 ms added per round trip: reads of one round trip (400 ms), purchases of six (2.4 s, each
 * statement answered in time); then one read held 1.5 s without an answer, one of exactly the
 * threshold in two round trips, and failures, which are not successes past anything.
 */
function measuredFault(shard: 0 | 1 | 'both' = 'both'): MeasurementCheckpoint {
  let phase = 'warmup';
  const m = new PathMeasurement({ connection: 'direct', stallThresholdMs: 1000, phaseOf: () => phase, startedAt: T0 });
  let t = T0;
  let n = 0;
  const mine = () => shard === 'both' || n++ % 2 === shard;
  const op = (ref: OperationRef, trips: number, tripMs: number) => {
    if (!mine()) return;
    const token = m.started(t);
    for (let i = 1; i < trips; i++) m.answered(token, t + i * tripMs);
    m.succeeded(token, ref, t, t + trips * tripMs, trips * tripMs * 1000);
    t += trips * tripMs + 10;
  };
  for (let i = 0; i < 10; i++) op(read, 1, 3);
  phase = 'fault';
  for (let i = 0; i < 20; i++) op(read, 1, 400);
  for (let i = 0; i < 4; i++) op(purchase, 6, 400);
  op(read, 1, 1500); // held: its one round trip went unanswered for 1.5 s
  op(read, 2, 500); // two round trips answered in time, exactly the threshold in all: past it, not held
  for (let i = 0; i < 3; i++) {
    if (!mine()) continue;
    const token = m.started(t);
    m.failed(token, read, t + 1500, 1_500_000, refused);
    t += 1510;
  }
  phase = 'recovery';
  for (let i = 0; i < 10; i++) op(read, 1, 3);
  return JSON.parse(
    JSON.stringify(m.checkpoint(t, { endedAt: t, stoppedBy: 'signal' }, true)),
  ) as MeasurementCheckpoint;
}

const faultPhase = (cp: MeasurementCheckpoint) => resultFromCheckpoint(cp).phases.find((p) => p.phase === 'fault')!;

describe('operations past the stall threshold (unit)', () => {
  it('counts successes that took the threshold or longer, per type and per phase: slow and held alike', () => {
    const fault = faultPhase(measuredFault());
    assert.equal(fault.total.pastStallThreshold, 6);
    assert.equal(fault.total.successes, 26);
    assert.equal(fault.byType.read.pastStallThreshold, 2, 'the held read and the one of exactly the threshold');
    assert.equal(fault.byType.transaction.pastStallThreshold, 4, 'every purchase: six round trips of 400 ms');
    assert.equal(fault.byType.write.pastStallThreshold, 0);
    assert.equal(fault.byOperation.purchase!.pastStallThreshold, 4);
    assert.equal(fault.held.count, 1, 'of them, one was held (down); the purchases were slow, not down');
    const result = resultFromCheckpoint(measuredFault());
    for (const p of result.phases.filter((p) => p.phase !== 'fault')) assert.equal(p.total.pastStallThreshold, 0);
    assert.equal(result.overall.total.pastStallThreshold, 6);
  });

  it('survives a checkpoint, and shards merge it: the sum, as one measurement of every operation counts it', () => {
    const merged = faultPhase(mergeCheckpoints([measuredFault(0), measuredFault(1)]));
    const a = faultPhase(measuredFault(0)).total.pastStallThreshold!;
    const b = faultPhase(measuredFault(1)).total.pastStallThreshold!;
    assert.ok(a > 0 && b > 0, `both shards saw some (${a}, ${b})`);
    assert.equal(merged.total.pastStallThreshold, a + b);
    assert.equal(merged.total.pastStallThreshold, 6);
    assert.equal(merged.byType.transaction.pastStallThreshold, 4);
  });

  it('a checkpoint written before it was counted: none, never a made-up 0 (0 where nothing succeeded)', () => {
    const old = measuredFault();
    for (const span of old.spans) for (const o of span.metrics.operations) delete o.slow;
    const result = resultFromCheckpoint(old);
    const fault = result.phases.find((p) => p.phase === 'fault')!;
    assert.equal('pastStallThreshold' in fault.total, false);
    assert.equal('pastStallThreshold' in fault.byType.read, false);
    assert.equal('pastStallThreshold' in result.overall.total, false);
    assert.equal(fault.byType.write.pastStallThreshold, 0, 'no write at all: none of them past anything');
    // Merged with a shard that counted them: still unknown, not the one shard's figure.
    const mixed = faultPhase(mergeCheckpoints([old, measuredFault()]));
    assert.equal('pastStallThreshold' in mixed.total, false);
  });
});
