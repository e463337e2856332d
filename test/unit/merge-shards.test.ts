/**
 * A path measured by N shards: their checkpoints merge into one whose figures are those of one
 * measurement of every operation (counts, error classes, HDR percentiles), whose downtime is the
 * union of the shards' (never less than any shard saw), and whose timeline sums the shards'.
 */
import assert from 'node:assert/strict';
import type { AvailabilityWindow } from '../../src/activities/workload/measurement/availability-types';
import { resultFromCheckpoint } from '../../src/activities/workload/measurement/checkpoint-result';
import type { MeasurementCheckpoint } from '../../src/activities/workload/measurement/measurement-checkpoint';
import { mergeCheckpoints, mergeTimelines } from '../../src/activities/workload/measurement/merge-shards';
import { PathMeasurement, type OperationRef } from '../../src/activities/workload/measurement/path-measurement';
import type { MeasurementGap, WorkloadResult, WriteOutage } from '../../src/shared/workload-types';

const read = { name: 'active_users', type: 'read' } as const;
const write = { name: 'create_order', type: 'write' } as const;
const adminShutdown = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
  severity: 'FATAL',
});
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

interface SyntheticOp {
  start: number;
  end: number;
  op: OperationRef;
  latencyUs: number;
  error?: Error;
}

/** The experiment's phases: each from its start (ms) until the next's. */
const PHASES = [
  { phase: 'warmup', from: 0 },
  { phase: 'fault', from: 1_001_200 },
  { phase: 'recovery', from: 1_002_100 },
  { phase: 'fault', from: 1_003_300 },
] as const;
const phaseAt = (t: number) => [...PHASES].reverse().find((p) => t >= p.from)!.phase;

/** A deterministic stream over four phase spans (fault twice), with failures in the faults. */
function syntheticStream(): SyntheticOp[] {
  const ops: SyntheticOp[] = [];
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let t = 1_000_000;
  for (let i = 0; i < 1300; i++) {
    // Mostly a few ms, a tail up to ~250 ms (percentiles that differ between shards), a few held.
    const r = random();
    const latencyUs = Math.round(
      r < 0.95 ? 800 + random() * 6000 : r < 0.99 ? 20_000 + random() * 230_000 : 1_100_000 + random() * 400_000,
    );
    const end = t + Math.ceil(latencyUs / 1000);
    const failing = phaseAt(end) === 'fault' && random() < 0.2;
    const error = failing ? (random() < 0.7 ? adminShutdown : refused) : undefined;
    ops.push({ start: t, end, op: random() < 0.6 ? read : write, latencyUs, error });
    t += 3;
  }
  return ops;
}

/** Feeds the operations to a fresh measurement, in order of completion; returns its final checkpoint. */
function measure(ops: SyntheticOp[]): MeasurementCheckpoint {
  let phase = 'warmup';
  const m = new PathMeasurement({
    connection: 'direct',
    stallThresholdMs: 1000,
    phaseOf: () => phase,
    startedAt: 1_000_000,
  });
  const tokens = new Map<SyntheticOp, number>();
  for (const o of ops) tokens.set(o, m.started(o.start));
  // In order of completion; the phase is the experiment's when each completes.
  for (const o of [...ops].sort((a, b) => a.end - b.end)) {
    phase = phaseAt(o.end);
    if (o.error) m.failed(tokens.get(o)!, o.op, o.end, o.latencyUs, o.error);
    else m.succeeded(tokens.get(o)!, o.op, o.start, o.end, o.latencyUs);
  }
  const endedAt = ops.reduce((max, o) => Math.max(max, o.end), 0) + 10;
  // As the report reads it: a file of plain data.
  return JSON.parse(
    JSON.stringify(m.checkpoint(endedAt, { endedAt, stoppedBy: 'signal' }, true)),
  ) as MeasurementCheckpoint;
}

/** A checkpoint with nothing but availability windows and write outages. */
function bare(
  windows: AvailabilityWindow[],
  writeOutages: WriteOutage[] = [],
  gaps: MeasurementGap[] = [],
): MeasurementCheckpoint {
  return {
    version: 1,
    connection: 'direct',
    stallThresholdMs: 1000,
    startedAt: 0,
    at: 10_000,
    spans: [],
    availability: { windows, folded: { count: 0, totalMs: 0 } },
    writeOutages,
    counters: { attempts: 0, failures: 0, held: 0 },
    gaps,
    timeline: { bucketMs: 100, bytes: 0 },
    end: { endedAt: 10_000, stoppedBy: 'signal' },
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const figures = (s: WorkloadResult['overall']) => [s.total.attempts, s.total.successes, s.total.failures];
const latency = (s: WorkloadResult['overall']) => [s.total.latencyMs.p50, s.total.latencyMs.p99, s.total.latencyMs.max];

describe('merging shard measurements (unit)', () => {
  const stream = syntheticStream();
  const shardA = measure(stream.filter((_, i) => i % 3 === 0));
  const shardB = measure(stream.filter((_, i) => i % 3 !== 0));
  const combined = resultFromCheckpoint(measure(stream));
  const merged = resultFromCheckpoint(mergeCheckpoints([shardA, shardB]));

  it('counts are the sum of the shards, and those of one measurement of every operation', () => {
    const a = resultFromCheckpoint(shardA);
    const b = resultFromCheckpoint(shardB);
    assert.deepEqual(figures(merged.overall), [
      a.overall.total.attempts + b.overall.total.attempts,
      a.overall.total.successes + b.overall.total.successes,
      a.overall.total.failures + b.overall.total.failures,
    ]);
    assert.deepEqual(figures(merged.overall), figures(combined.overall));
    assert.equal(merged.overall.total.attempts, stream.length);
    assert.ok(merged.overall.total.failures > 0);
    for (const name of [read.name, write.name]) {
      const m = merged.overall.byOperation[name]!;
      const c = combined.overall.byOperation[name]!;
      assert.deepEqual([m.attempts, m.successes, m.failures], [c.attempts, c.successes, c.failures], name);
    }
  });

  it('latency percentiles are exact: those of the combined measurement, overall, per operation and per phase', () => {
    assert.deepEqual(latency(merged.overall), latency(combined.overall));
    assert.notDeepEqual(latency(resultFromCheckpoint(shardA).overall), latency(combined.overall));
    for (const name of [read.name, write.name])
      assert.deepEqual(merged.overall.byOperation[name]!.latencyMs, combined.overall.byOperation[name]!.latencyMs);
    const perPhase = (r: WorkloadResult) =>
      r.phases.map((p) => [p.phase, p.occurrence, ...figures(p), ...latency(p), p.held.count]);
    assert.deepEqual(perPhase(merged), perPhase(combined));
    assert.ok(merged.overall.held.count > 0);
    assert.deepEqual(merged.overall.held, combined.overall.held);
    assert.deepEqual(
      merged.phases.map((p) => `${p.phase}#${p.occurrence}`),
      ['warmup#1', 'fault#1', 'recovery#1', 'fault#2'],
    );
  });

  it('error classes merge with their SQLSTATEs', () => {
    assert.deepEqual(merged.overall.errors, combined.overall.errors);
    assert.deepEqual(Object.keys(merged.overall.errors).sort(), ['admin_shutdown', 'connection_refused']);
    assert.equal(merged.overall.errors.admin_shutdown!.sqlStates['57P01'], merged.overall.errors.admin_shutdown!.count);
  });

  it("the path's downtime is never less than any shard's", () => {
    const shards = [shardA, shardB].map((s) => resultFromCheckpoint(s).downtime.totalMs);
    assert.ok(Math.max(...shards) > 0);
    assert.ok(merged.downtime.totalMs >= Math.max(...shards));
  });

  it('overlapping downtime windows are one window: the union', () => {
    const cp = mergeCheckpoints([
      bare([{ start: 1000, end: 3000, failures: 2, stalls: 0 }]),
      bare([{ start: 1200, end: 3300, failures: 1, stalls: 1, closedByHeld: true }]),
    ]);
    assert.deepEqual(cp.availability.windows, [{ start: 1000, end: 3300, failures: 3, stalls: 1, closedByHeld: true }]);
    const downtime = resultFromCheckpoint(cp).downtime;
    assert.equal(downtime.totalMs, 2300);
    assert.equal(downtime.openAtEnd, false);
  });

  it('disjoint windows stay apart, touching ones coalesce, folded windows are summed', () => {
    const a = bare([
      { start: 1000, end: 2000, failures: 1, stalls: 0 },
      { start: 6000, end: 6500, failures: 1, stalls: 0 },
    ]);
    a.availability.folded = { count: 2, totalMs: 300 };
    const b = bare([{ start: 2000, end: 2500, failures: 1, stalls: 0, closedByHeld: true }]);
    b.availability.folded = { count: 1, totalMs: 100 };
    const cp = mergeCheckpoints([a, b]);
    assert.deepEqual(cp.availability.windows, [
      { start: 1000, end: 2500, failures: 2, stalls: 0, closedByHeld: true },
      { start: 6000, end: 6500, failures: 1, stalls: 0 },
    ]);
    assert.deepEqual(cp.availability.folded, { count: 3, totalMs: 400 });
  });

  it('a window still open in one shard leaves the merged one open', () => {
    const cp = mergeCheckpoints([
      bare([{ start: 1000, end: 3000, failures: 2, stalls: 0 }]),
      bare([{ start: 2500, end: null, failures: 4, stalls: 0 }]),
      bare([{ start: 5000, end: 5200, failures: 1, stalls: 0 }]),
    ]);
    assert.deepEqual(cp.availability.windows, [{ start: 1000, end: null, failures: 7, stalls: 0 }]);
    const downtime = resultFromCheckpoint(cp).downtime;
    assert.equal(downtime.openAtEnd, true);
    assert.equal(downtime.totalMs, 9000);
  });

  it('write outages: the same union', () => {
    const cp = mergeCheckpoints([
      bare([], [{ start: iso(1000), end: iso(3000), failures: 2 }]),
      bare(
        [],
        [
          { start: iso(1200), end: iso(3300), failures: 1, held: 1 },
          { start: iso(8000), end: null, failures: 1 },
        ],
      ),
    ]);
    assert.deepEqual(cp.writeOutages, [
      // One shard's writes came back at 3000, the other's held one at 3300.
      { start: iso(1000), end: iso(3300), failures: 3, held: 1, firstServedAt: iso(3000) },
      { start: iso(8000), end: null, failures: 1 },
    ]);
  });

  it('timelines: operations and errors summed per bucket, percentiles approximated', () => {
    const buckets = mergeTimelines([
      [
        { t: 0, ops: 10, errors: 0, p50: 2, p99: 5 },
        { t: 100, ops: 4, errors: 4, p50: 0, p99: 0 },
      ],
      [
        { t: 100, ops: 6, errors: 1, p50: 3, p99: 9 },
        { t: 0, ops: 30, errors: 0, p50: 4, p99: 6 },
        { t: 200, ops: 1, errors: 1, p50: 0, p99: 0 },
      ],
    ]);
    assert.deepEqual(buckets, [
      { t: 0, ops: 40, errors: 0, p50: 3.5, p99: 6 },
      { t: 100, ops: 10, errors: 5, p50: 3, p99: 9 },
      { t: 200, ops: 1, errors: 1, p50: 0, p99: 0 },
    ]);
  });

  it('refuses shards of different paths, and nothing at all; one shard is its own merge', () => {
    assert.throws(() => mergeCheckpoints([shardA, { ...shardB, connection: 'pooler' }]), /different paths/);
    assert.throws(() => mergeCheckpoints([]), /no shard/);
    assert.equal(mergeCheckpoints([shardA]), shardA);
  });

  it("the path's measurement gaps: where no shard measured, and each shard's own, with its share of the clients", () => {
    const gap = (from: number, to: number, shard?: number, share?: number): MeasurementGap => ({
      start: iso(from),
      end: iso(to),
      cause: 'worker lost',
      ...(shard ? { shard, share } : {}),
    });
    const a = bare([], [], [gap(1000, 3000), gap(6000, 7000)]);
    const b = bare([], [], [gap(2000, 4000)]);
    const c = bare([], [], [gap(2500, 5000), gap(6500, 6600)]);
    const third = 1 / 3;
    assert.deepEqual(mergeCheckpoints([a, b, c]).gaps, [
      gap(1000, 2500, 1, third),
      gap(2000, 2500, 2, third),
      gap(2500, 3000),
      gap(3000, 4000, 2, third),
      gap(3000, 5000, 3, third),
      gap(6000, 7000, 1, third),
      gap(6500, 6600, 3, third),
    ]);
    assert.deepEqual(
      mergeCheckpoints([a, bare([])], [0.75, 0.25]).gaps,
      a.gaps.map((g) => ({ ...g, shard: 1, share: 0.75 })),
      'the other shard measured throughout: the path was measured with a quarter of its clients there',
    );
    assert.deepEqual(mergeCheckpoints([a, a]).gaps, a.gaps, "a gap every shard had counts once, as the whole path's");
  });
});
