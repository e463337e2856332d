/**
 * What the workload measured, in bounded memory: nothing is kept per operation. Counters and HDR
 * latency histograms per phase and named operation, error classes with their SQLSTATEs, a
 * timeline of 100 ms buckets (only four numbers kept per closed bucket) and the downtime windows.
 */
import * as hdr from 'hdr-histogram-js';
import {
  OPERATION_TYPES,
  type ErrorClass,
  type ErrorClassStats,
  type HeldSummary,
  type LatencySummary,
  type OperationName,
  type OperationStats,
  type OperationType,
  type TimelineBucket,
  type WorkloadStats,
} from '../../shared/workload-types';
import type { TimelineFile } from './timeline-file';

/**
 * Latencies are recorded in microseconds, from 1 µs to 1 hour, to 3 significant digits (about
 * 90 KB per histogram; the packed variant is smaller but costs the client CPU on every record).
 */
export function newHistogram(significantDigits: 2 | 3 = 3): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: significantDigits,
    autoResize: false,
  });
}

const ms = (us: number): number => Math.round(us) / 1000;

/** A histogram as text (HDR's compressed base64), for checkpoints; empty ones are "". */
export function encodeHistogram(histogram: hdr.Histogram): string {
  return histogram.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(histogram);
}

/** Adds an encoded histogram's values into `into`. */
export function addEncoded(into: hdr.Histogram, encoded: string): void {
  if (!encoded) return;
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  into.add(decoded);
  decoded.destroy();
}

/** A span's figures as plain data: what a checkpoint keeps of it. */
export interface SpanCheckpoint {
  name: string;
  operations: Array<{ name: OperationName; type: OperationType; attempts: number; failures: number; latency: string }>;
  errors: Array<{ errorClass: ErrorClass; count: number; sqlStates: Record<string, number>; example: string }>;
  purchasesOutOfStock: number;
  held: string;
  firstAt?: number;
  lastAt?: number;
}

export function latencySummary(histogram: hdr.Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { count: 0, min: null, mean: null, p50: null, p95: null, p99: null, max: null };
  // A percentile is reported as its bucket's upper bound, which can pass the recorded maximum.
  const max = histogram.maxValue;
  const at = (p: number) => ms(Math.min(histogram.getValueAtPercentile(p), max));
  return { count: histogram.totalCount, min: ms(histogram.minNonZeroValue), mean: ms(histogram.mean), p50: at(50), p95: at(95), p99: at(99), max: ms(max) };
}

class OperationAccumulator {
  attempts = 0;
  failures = 0;
  readonly latency = newHistogram();

  stats(): OperationStats {
    const successes = this.attempts - this.failures;
    return {
      attempts: this.attempts,
      successes,
      failures: this.failures,
      successRate: this.attempts === 0 ? null : successes / this.attempts,
      latencyMs: latencySummary(this.latency),
    };
  }

  destroy(): void {
    this.latency.destroy();
  }
}

function combine(parts: OperationAccumulator[]): OperationStats {
  const merged = new OperationAccumulator();
  for (const part of parts) {
    merged.attempts += part.attempts;
    merged.failures += part.failures;
    merged.latency.add(part.latency);
  }
  const stats = merged.stats();
  merged.destroy();
  return stats;
}

/** The figures of one span of time: a phase of the experiment. */
export class SpanMetrics {
  readonly byOperation = new Map<OperationName, { type: OperationType; acc: OperationAccumulator }>();
  readonly errors = new Map<ErrorClass, { count: number; sqlStates: Map<string, number>; example: string }>();
  purchasesOutOfStock = 0;
  /** Held time of operations that stalled, then succeeded (µs). */
  readonly held = newHistogram(2);
  firstAt: number | undefined;
  lastAt: number | undefined;

  constructor(readonly name: string) {}

  private operation(name: OperationName, type: OperationType): OperationAccumulator {
    let entry = this.byOperation.get(name);
    if (!entry) {
      entry = { type, acc: new OperationAccumulator() };
      this.byOperation.set(name, entry);
    }
    return entry.acc;
  }

  private touch(at: number): void {
    this.firstAt ??= at;
    this.lastAt = at;
  }

  recordSuccess(name: OperationName, type: OperationType, latencyUs: number, at: number): void {
    const acc = this.operation(name, type);
    acc.attempts++;
    acc.latency.recordValue(Math.max(1, Math.round(latencyUs)));
    this.touch(at);
  }

  recordHeld(latencyUs: number): void {
    this.held.recordValue(Math.max(1, Math.round(latencyUs)));
  }

  heldSummary(): HeldSummary {
    const l = latencySummary(this.held);
    return { count: l.count, p50Ms: l.p50, p99Ms: l.p99, maxMs: l.max };
  }

  recordFailure(name: OperationName, type: OperationType, errorClass: ErrorClass, sqlState: string | undefined, message: string, at: number): void {
    const acc = this.operation(name, type);
    acc.attempts++;
    acc.failures++;
    let entry = this.errors.get(errorClass);
    if (!entry) {
      entry = { count: 0, sqlStates: new Map(), example: message.slice(0, 300) };
      this.errors.set(errorClass, entry);
    }
    entry.count++;
    const key = sqlState ?? 'none';
    entry.sqlStates.set(key, (entry.sqlStates.get(key) ?? 0) + 1);
    this.touch(at);
  }

  /**
   * Figures for [startedAt, endedAt]; TPS = successful operations per second of the time measured in
   * it (`unmeasuredMs` of it fell in measurement gaps).
   */
  stats(startedAt: number, endedAt: number, unmeasuredMs = 0): WorkloadStats {
    const all = [...this.byOperation.values()];
    const byType = Object.fromEntries(
      OPERATION_TYPES.map((type) => [type, combine(all.filter((e) => e.type === type).map((e) => e.acc))]),
    ) as Record<OperationType, OperationStats>;
    const total = combine(all.map((e) => e.acc));
    const errors: Partial<Record<ErrorClass, ErrorClassStats>> = {};
    for (const [cls, e] of this.errors) {
      errors[cls] = { count: e.count, sqlStates: Object.fromEntries(e.sqlStates), example: e.example };
    }
    const durationMs = Math.max(0, endedAt - startedAt);
    return {
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      durationMs,
      total,
      byType,
      byOperation: Object.fromEntries([...this.byOperation].map(([name, e]) => [name, e.acc.stats()])),
      errors,
      tps: durationMs - unmeasuredMs > 0 ? Math.round((total.successes / ((durationMs - unmeasuredMs) / 1000)) * 100) / 100 : 0,
      ...(unmeasuredMs > 0 ? { unmeasuredMs: Math.round(unmeasuredMs) } : {}),
      purchasesOutOfStock: this.purchasesOutOfStock,
      held: this.heldSummary(),
    };
  }

  checkpoint(): SpanCheckpoint {
    return {
      name: this.name,
      operations: [...this.byOperation].map(([name, e]) => ({ name, type: e.type, attempts: e.acc.attempts, failures: e.acc.failures, latency: encodeHistogram(e.acc.latency) })),
      errors: [...this.errors].map(([errorClass, e]) => ({ errorClass, count: e.count, sqlStates: Object.fromEntries(e.sqlStates), example: e.example })),
      purchasesOutOfStock: this.purchasesOutOfStock,
      held: encodeHistogram(this.held),
      ...(this.firstAt !== undefined ? { firstAt: this.firstAt } : {}),
      ...(this.lastAt !== undefined ? { lastAt: this.lastAt } : {}),
    };
  }

  static fromCheckpoint(c: SpanCheckpoint): SpanMetrics {
    const span = new SpanMetrics(c.name);
    for (const op of c.operations) {
      const acc = span.operation(op.name, op.type);
      acc.attempts = op.attempts;
      acc.failures = op.failures;
      addEncoded(acc.latency, op.latency);
    }
    for (const e of c.errors) span.errors.set(e.errorClass, { count: e.count, sqlStates: new Map(Object.entries(e.sqlStates)), example: e.example });
    span.purchasesOutOfStock = c.purchasesOutOfStock;
    addEncoded(span.held, c.held);
    span.firstAt = c.firstAt;
    span.lastAt = c.lastAt;
    return span;
  }

  /** Adds another span's figures into this one (for the whole run). */
  absorb(other: SpanMetrics): void {
    for (const [name, e] of other.byOperation) {
      const acc = this.operation(name, e.type);
      acc.attempts += e.acc.attempts;
      acc.failures += e.acc.failures;
      acc.latency.add(e.acc.latency);
    }
    for (const [cls, e] of other.errors) {
      const mine = this.errors.get(cls) ?? { count: 0, sqlStates: new Map<string, number>(), example: e.example };
      mine.count += e.count;
      for (const [state, n] of e.sqlStates) mine.sqlStates.set(state, (mine.sqlStates.get(state) ?? 0) + n);
      this.errors.set(cls, mine);
    }
    this.purchasesOutOfStock += other.purchasesOutOfStock;
    this.held.add(other.held);
    if (other.firstAt !== undefined) this.firstAt = Math.min(this.firstAt ?? other.firstAt, other.firstAt);
    if (other.lastAt !== undefined) this.lastAt = Math.max(this.lastAt ?? other.lastAt, other.lastAt);
  }

  destroy(): void {
    for (const e of this.byOperation.values()) e.acc.destroy();
    this.held.destroy();
  }
}

/**
 * Operations, errors and latency percentiles in fixed time buckets; closed buckets keep 4 numbers.
 * With a file, closed buckets go to it at each `flush` and leave memory.
 */
export class Timeline {
  private buckets: TimelineBucket[] = [];
  private current: { t: number; ops: number; errors: number } | undefined;
  /** Only the open bucket has a histogram; 2 significant digits are plenty for p50/p99. */
  private readonly latency = newHistogram(2);

  constructor(
    readonly bucketMs = 100,
    readonly file?: TimelineFile,
  ) {}

  record(at: number, ok: boolean, latencyUs: number): void {
    const t = at - (at % this.bucketMs);
    if (!this.current || t !== this.current.t) this.advance(t);
    const bucket = this.current!;
    bucket.ops++;
    if (ok) this.latency.recordValue(Math.max(1, Math.round(latencyUs)));
    else bucket.errors++;
  }

  /** Closes the current bucket and any empty ones up to t. */
  private advance(t: number): void {
    if (this.current) {
      if (t < this.current.t) return; // never goes back in time (clock adjustments)
      this.close();
      for (let gap = this.current.t + this.bucketMs; gap < t; gap += this.bucketMs) {
        this.buckets.push({ t: gap, ops: 0, errors: 0, p50: 0, p99: 0 });
      }
    }
    this.current = { t, ops: 0, errors: 0 };
  }

  private close(): void {
    const c = this.current!;
    const has = this.latency.totalCount > 0;
    this.buckets.push({
      t: c.t,
      ops: c.ops,
      errors: c.errors,
      p50: has ? ms(this.latency.getValueAtPercentile(50)) : 0,
      p99: has ? ms(this.latency.getValueAtPercentile(99)) : 0,
    });
    this.latency.reset();
  }

  /** Writes the closed buckets to the file (if any); returns the file's size. */
  flush(): number {
    if (!this.file) return 0;
    this.file.append(this.buckets);
    this.buckets = [];
    return this.file.size;
  }

  /** Closes the open bucket; returns the buckets still in memory (all of them without a file). */
  finish(): TimelineBucket[] {
    if (this.current) {
      this.close();
      this.current = undefined;
    }
    this.latency.destroy();
    if (this.file) this.flush();
    return this.buckets;
  }
}
