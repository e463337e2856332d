/**
 * A measurement survives its process. Checkpoints round-trip every figure; a measurement
 * taken up from a previous run's file checkpoints only its own spans (small heartbeats at any
 * length) and still reports everything; a lost worker leaves a gap, and a window open at the crash
 * stays open through it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resultFromCheckpoint } from '../../src/activities/workload/measurement/checkpoint-result';
import type { MeasurementCheckpoint } from '../../src/activities/workload/measurement/measurement-checkpoint';
import { PathMeasurement } from '../../src/activities/workload/measurement/path-measurement';

const read = { name: 'active_users', type: 'read' } as const;
const write = { name: 'create_order', type: 'write' } as const;
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function drive(m: PathMeasurement, from: number, ops: number, ok: boolean): number {
  let t = from;
  for (let i = 0; i < ops; i++) {
    const token = m.started(t);
    if (ok) m.succeeded(token, i % 2 ? read : write, t, t + 4, 4000 + i);
    else m.failed(token, read, t + 1, 1000, refused);
    t += 20;
  }
  return t;
}

describe('path measurement checkpoints (unit)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-measure-'));
  let phase = 'warmup';
  const options = (name: string) => ({
    connection: 'direct',
    stallThresholdMs: 1000,
    phaseOf: () => phase,
    startedAt: 1_000_000,
    timelineFile: path.join(dir, `${name}.csv`),
  });

  it('round-trips every figure through a checkpoint', () => {
    phase = 'warmup';
    const a = new PathMeasurement(options('a'));
    let t = drive(a, 1_000_000, 50, true);
    phase = 'fault';
    t = drive(a, t, 30, false);
    const cp = JSON.parse(
      JSON.stringify(a.checkpoint(t, { endedAt: t, stoppedBy: 'signal' }, true)),
    ) as MeasurementCheckpoint;
    const direct = a.result(t, 'signal');
    const again = resultFromCheckpoint(cp);
    assert.deepEqual(
      again.phases.map((p) => [p.phase, p.total.attempts, p.total.failures, p.total.latencyMs.p99]),
      direct.phases.map((p) => [p.phase, p.total.attempts, p.total.failures, p.total.latencyMs.p99]),
    );
    assert.deepEqual(again.downtime.windows, direct.downtime.windows);
    assert.equal(again.overall.total.attempts, 80);
    // The fault's failed reads are a read outage still open; writes never failed.
    assert.deepEqual(direct.readOutages, [{ start: new Date(1_001_001).toISOString(), end: null, failures: 30 }]);
    assert.deepEqual(direct.writeOutages, []);
    assert.deepEqual(again.readOutages, direct.readOutages);
  });

  it('a lost worker: resumed from its last checkpoint, a gap, and the open window runs through it', () => {
    phase = 'fault';
    const a = new PathMeasurement(options('b'));
    let t = drive(a, 2_000_000, 10, true);
    t = drive(a, t, 10, false); // down when the worker dies
    const last = JSON.parse(JSON.stringify(a.checkpoint(t))) as MeasurementCheckpoint;
    const resumedAt = t + 20_000;
    phase = 'recovery';
    const b = new PathMeasurement(options('b'), { from: last, at: resumedAt, cause: 'worker lost' });
    t = drive(b, resumedAt + 100, 10, true);
    const result = b.result(t, 'signal');
    assert.equal(result.gaps.length, 1);
    assert.equal(Date.parse(result.gaps[0]!.start), last.at);
    assert.equal(
      Date.parse(result.gaps[0]!.end),
      resumedAt + 100,
      'the gap ends at the first operation after the resume',
    );
    const [window] = result.downtime.windows;
    assert.ok(window && window.durationMs > 20_000, 'the window spans the gap');
    assert.equal(result.overall.total.attempts, 30);
  });

  it('taken up from a previous run: its checkpoints hold only its own spans, and the report gets all', () => {
    phase = 'warmup';
    const run1 = new PathMeasurement(options('c'));
    let t = drive(run1, 3_000_000, 20, true);
    for (let cycle = 0; cycle < 5; cycle++) {
      phase = 'fault';
      t = drive(run1, t, 5, false);
      phase = 'recovery';
      t = drive(run1, t, 5, true);
    }
    const file = path.join(dir, 'run1.checkpoint.json');
    const final1 = run1.checkpoint(t, { endedAt: t, stoppedBy: 'signal' }, true);
    writeFileSync(file, JSON.stringify(final1));

    const run2 = new PathMeasurement(options('c'), {
      from: final1,
      at: t + 500,
      cause: 'continued as new',
      baseFile: file,
    });
    phase = 'fault';
    t = drive(run2, t + 600, 5, false);
    const delta = JSON.parse(JSON.stringify(run2.checkpoint(t))) as MeasurementCheckpoint;
    assert.deepEqual(delta.base, { file, spans: final1.spans.length - 1 });
    assert.equal(delta.spans.length, 2, "only this run's spans (the continued recovery and the new fault)");
    assert.ok(JSON.stringify(delta).length < JSON.stringify(final1).length / 2);

    // And a worker lost in run 2 resumes from the delta with the base file's spans first.
    phase = 'recovery';
    const run2b = new PathMeasurement(options('c'), { from: delta, at: t + 10_000, cause: 'worker lost' });
    t = drive(run2b, t + 10_100, 5, true);
    const result = run2b.result(t, 'signal');
    assert.deepEqual(
      result.phases.filter((p) => p.phase === 'fault').map((p) => p.occurrence),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(result.overall.total.attempts, 20 + 50 + 5 + 5);
    assert.deepEqual(
      result.gaps.map((g) => g.cause),
      ['continued as new', 'worker lost'],
    );
  });
});
