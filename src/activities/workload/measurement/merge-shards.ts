/**
 * One measurement from a path's shards: a path's workload can run as N activities, each with a share
 * of the clients, each with its own measurement. Their final checkpoints merge into one that
 * `resultFromCheckpoint` reads as the path's.
 *
 * Exact: counters, and every span's figures (spans matched by phase and occurrence): attempts and
 * failures per operation, error classes with their SQLSTATEs, and the HDR latency and held
 * histograms, added bucket by bucket, so percentiles are those of one measurement of every operation.
 * The timeline's operations and errors per bucket are exact too.
 *
 * Not exact, and on which side. Availability windows and write outages are the union of the shards':
 * the path is down while any shard saw it down, never less than any shard says (a shard whose clients
 * were all waiting sees an outage the others may not; the union does not hide it). Windows folded
 * away by a shard's detector are summed: an upper bound, folded windows of two shards may overlap.
 * Measurement gaps: where no shard measured (every shard in a gap at once), "nothing measured this
 * path there"; where some shards only were in a gap, the path was measured with part of its clients:
 * each such gap is the path's too, naming its shard and that shard's share of the clients (the
 * figures there are incomplete). A timeline bucket's p99 is the highest of the shards' and its p50
 * the mean of theirs weighted by successful operations: approximations; the exact percentiles are
 * the spans'.
 */
import type { TimelineBucket, WriteOutage } from '../../../shared/workload-types';
import type { AvailabilitySnapshot, AvailabilityWindow } from './availability-types';
import type { MeasurementCheckpoint } from './measurement-checkpoint';
import { union } from './interval-union';
import { mergeGaps } from './merge-gaps';
import { SpanMetrics, type SpanCheckpoint } from './span-metrics';

type SpanEntry = MeasurementCheckpoint['spans'][number];

/**
 * One checkpoint for the whole path from its shards' final (whole) checkpoints; `shares`: each
 * shard's share of the path's clients (equal shares unless given).
 */
export function mergeCheckpoints(
  shards: MeasurementCheckpoint[],
  shares: number[] = shards.map(() => 1 / shards.length),
): MeasurementCheckpoint {
  const [first] = shards;
  if (!first) throw new Error('mergeCheckpoints: no shard checkpoints to merge');
  const strangers = shards.filter((s) => s.connection !== first.connection).map((s) => s.connection);
  if (strangers.length > 0)
    throw new Error(
      `mergeCheckpoints: shards of different paths (${[first.connection, ...new Set(strangers)].join(', ')})`,
    );
  if (shards.length === 1) return first;
  if (shards.some((s) => s.base))
    throw new Error("mergeCheckpoints: a shard's checkpoint is a delta on a base file; merge whole checkpoints");
  const sum = (key: keyof MeasurementCheckpoint['counters']) => shards.reduce((n, s) => n + (s.counters[key] ?? 0), 0);
  const outages = shards.some((s) => s.writeOutages) ? shards.flatMap((s) => s.writeOutages ?? []) : undefined;
  const reads = shards.some((s) => s.readOutages) ? shards.flatMap((s) => s.readOutages ?? []) : undefined;
  return {
    version: 1,
    connection: first.connection,
    stallThresholdMs: first.stallThresholdMs,
    startedAt: Math.min(...shards.map((s) => s.startedAt)),
    at: Math.max(...shards.map((s) => s.at)),
    spans: mergeSpans(shards.map((s) => s.spans)),
    availability: mergeAvailability(shards.map((s) => s.availability)),
    ...(outages ? { writeOutages: mergeWriteOutages(outages) } : {}),
    ...(reads ? { readOutages: mergeWriteOutages(reads) } : {}),
    counters: {
      attempts: sum('attempts'),
      failures: sum('failures'),
      held: sum('held'),
      ...(sum('refused') ? { refused: sum('refused') } : {}),
    },
    gaps: mergeGaps(
      shards.map((s) => s.gaps),
      shares,
    ),
    timeline: { bucketMs: first.timeline.bucketMs, bytes: 0 },
    ...mergeEnd(shards),
  };
}

/** The shards' timelines bucket by bucket (see the module's comment for the percentiles). */
export function mergeTimelines(shards: TimelineBucket[][]): TimelineBucket[] {
  type Merged = { ops: number; errors: number; refused: number; p99: number; p50Sum: number; successes: number };
  const byT = new Map<number, Merged>();
  for (const bucket of shards.flat()) {
    const merged = byT.get(bucket.t) ?? { ops: 0, errors: 0, refused: 0, p99: 0, p50Sum: 0, successes: 0 };
    const successes = bucket.ops - bucket.errors - (bucket.refused ?? 0);
    merged.ops += bucket.ops;
    merged.errors += bucket.errors;
    merged.refused += bucket.refused ?? 0;
    if (successes > 0) {
      merged.p99 = Math.max(merged.p99, bucket.p99);
      merged.p50Sum += bucket.p50 * successes;
      merged.successes += successes;
    }
    byT.set(bucket.t, merged);
  }
  return [...byT]
    .sort(([a], [b]) => a - b)
    .map(([t, m]) => ({
      t,
      ops: m.ops,
      errors: m.errors,
      ...(m.refused ? { refused: m.refused } : {}),
      p50: m.successes > 0 ? Math.round((m.p50Sum / m.successes) * 1000) / 1000 : 0,
      p99: m.p99,
    }));
}

/** Spans matched by (phase, occurrence), ordered by `from`; a span only some shards have is kept. */
function mergeSpans(shards: SpanEntry[][]): SpanEntry[] {
  const groups = new Map<string, SpanEntry[]>();
  for (const span of shards.flat()) {
    const key = `${span.phase}\u0000${span.occurrence}`;
    groups.set(key, [...(groups.get(key) ?? []), span]);
  }
  return [...groups.values()]
    .map((group): SpanEntry => {
      const ends = group.map((s) => s.to);
      const to = ends.every((e) => e !== undefined) ? Math.max(...(ends as number[])) : undefined;
      return {
        phase: group[0]!.phase,
        occurrence: group[0]!.occurrence,
        from: Math.min(...group.map((s) => s.from)),
        ...(to !== undefined ? { to } : {}),
        metrics: group.length === 1 ? group[0]!.metrics : mergeSpanMetrics(group.map((s) => s.metrics)),
      };
    })
    .sort((a, b) => a.from - b.from);
}

/** Exact: the span figures absorbed into the first's (histograms added), then encoded again. */
function mergeSpanMetrics(parts: SpanCheckpoint[]): SpanCheckpoint {
  const spans = parts.map((p) => SpanMetrics.fromCheckpoint(p));
  try {
    const [into, ...rest] = spans;
    for (const span of rest) into!.absorb(span);
    return into!.checkpoint();
  } finally {
    for (const span of spans) span.destroy();
  }
}

/** Whether the window ending last of the two was closed by a held operation (either, on a tie). */
function closedByHeld(a: AvailabilityWindow, b: AvailabilityWindow): boolean {
  if (a.end === null || b.end === null) return false;
  if (a.end === b.end) return a.closedByHeld === true || b.closedByHeld === true;
  return (a.end > b.end ? a : b).closedByHeld === true;
}

function mergeAvailability(shards: AvailabilitySnapshot[]): AvailabilitySnapshot {
  const windows = union(
    shards.flatMap((s) => s.windows),
    (into, next) => {
      into.failures += next.failures;
      into.stalls += next.stalls;
      if (closedByHeld(into, next)) into.closedByHeld = true;
      else delete into.closedByHeld;
    },
  );
  return {
    windows,
    folded: {
      count: shards.reduce((n, s) => n + s.folded.count, 0),
      totalMs: shards.reduce((n, s) => n + s.folded.totalMs, 0),
    },
  };
}

function mergeWriteOutages(outages: WriteOutage[]): WriteOutage[] {
  const windows = union(
    outages.map((o) => ({
      start: Date.parse(o.start),
      end: o.end === null ? null : Date.parse(o.end),
      failures: o.failures,
      held: o.held ?? 0,
      first: o.firstServedAt ? Date.parse(o.firstServedAt) : o.end === null ? null : Date.parse(o.end),
    })),
    (into, next) => {
      into.failures += next.failures;
      into.held += next.held;
      if (next.first !== null) into.first = into.first === null ? next.first : Math.min(into.first, next.first);
    },
  );
  return windows.map((w) => ({
    start: new Date(w.start).toISOString(),
    end: w.end === null ? null : new Date(w.end).toISOString(),
    failures: w.failures,
    ...(w.held ? { held: w.held } : {}),
    ...(w.first !== null && w.first !== w.end ? { firstServedAt: new Date(w.first).toISOString() } : {}),
  }));
}

/** Ended when the last shard ended, as the first did; pgbench from the shard that ran it. */
function mergeEnd(shards: MeasurementCheckpoint[]): Pick<MeasurementCheckpoint, 'end'> {
  if (!shards.some((s) => s.end)) return {};
  const pgbench = shards.find((s) => s.end?.pgbench)?.end?.pgbench;
  return {
    end: {
      endedAt: Math.max(...shards.map((s) => s.end?.endedAt ?? s.at)),
      stoppedBy: shards[0]!.end?.stoppedBy ?? 'cancelled',
      ...(pgbench ? { pgbench } : {}),
    },
  };
}
