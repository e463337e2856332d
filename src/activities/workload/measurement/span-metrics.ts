/**
 * What the workload measured in one span of time (a phase), in bounded memory: nothing is kept per
 * operation. Counters and HDR latency histograms per named operation (with the successes that took
 * the stall threshold or longer), error classes with their SQLSTATEs, held operations.
 */
import {
  OPERATION_TYPES,
  type ErrorClass,
  type ErrorClassStats,
  type HeldSummary,
  type OperationName,
  type OperationStats,
  type OperationType,
  type WorkloadStats,
} from '../../../shared/workload-types';
import { addEncoded, encodeHistogram, latencySummary, newHistogram } from './histograms';
import { combine, OperationAccumulator } from './operation-accumulator';

/** An error class in a span: its count, SQLSTATEs, an example, and its first and last failure (ms). */
interface ErrorEntry {
  count: number;
  sqlStates: Map<string, number>;
  example: string;
  firstAt?: number;
  lastAt?: number;
}

/** A span's figures as plain data: what a checkpoint keeps of it. */
export interface SpanCheckpoint {
  name: string;
  operations: Array<{
    name: OperationName;
    type: OperationType;
    attempts: number;
    failures: number;
    refused?: number;
    latency: string;
    /** Successes that took the stall threshold or longer; absent in checkpoints that did not count them. */
    slow?: number;
  }>;
  errors: Array<{
    errorClass: ErrorClass;
    count: number;
    sqlStates: Record<string, number>;
    example: string;
    firstAt?: number;
    lastAt?: number;
  }>;
  purchasesOutOfStock: number;
  held: string;
  firstAt?: number;
  lastAt?: number;
}

/** The figures of one span of time: a phase of the experiment. */
export class SpanMetrics {
  readonly byOperation = new Map<OperationName, { type: OperationType; acc: OperationAccumulator }>();
  readonly errors = new Map<ErrorClass, ErrorEntry>();
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
    this.firstAt = Math.min(this.firstAt ?? at, at);
    this.lastAt = Math.max(this.lastAt ?? at, at);
  }

  /** `slow`: it took the stall threshold or longer. */
  recordSuccess(name: OperationName, type: OperationType, latencyUs: number, at: number, slow = false): void {
    const acc = this.operation(name, type);
    acc.attempts++;
    if (slow) acc.slow++;
    acc.latency.recordValue(Math.max(1, Math.round(latencyUs)));
    this.touch(at);
  }

  /** An expected refusal: the request was answered, as agreed for an outage, but not served. */
  recordRefusal(name: OperationName, type: OperationType, at: number): void {
    const acc = this.operation(name, type);
    acc.attempts++;
    acc.refused++;
    this.touch(at);
  }

  recordHeld(latencyUs: number): void {
    this.held.recordValue(Math.max(1, Math.round(latencyUs)));
  }

  heldSummary(): HeldSummary {
    const l = latencySummary(this.held);
    return { count: l.count, p50Ms: l.p50, p99Ms: l.p99, maxMs: l.max };
  }

  recordFailure(
    name: OperationName,
    type: OperationType,
    errorClass: ErrorClass,
    sqlState: string | undefined,
    message: string,
    at: number,
  ): void {
    const acc = this.operation(name, type);
    acc.attempts++;
    acc.failures++;
    let entry = this.errors.get(errorClass);
    if (!entry) {
      entry = { count: 0, sqlStates: new Map(), example: message.slice(0, 300) };
      this.errors.set(errorClass, entry);
    }
    entry.count++;
    // Records are filed in the order they ended, not started: the span is their extremes.
    entry.firstAt = Math.min(entry.firstAt ?? at, at);
    entry.lastAt = Math.max(entry.lastAt ?? at, at);
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
      errors[cls] = {
        count: e.count,
        sqlStates: Object.fromEntries(e.sqlStates),
        example: e.example,
        ...(e.firstAt !== undefined ? { firstAt: new Date(e.firstAt).toISOString() } : {}),
        ...(e.lastAt !== undefined ? { lastAt: new Date(e.lastAt).toISOString() } : {}),
      };
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
      tps:
        durationMs - unmeasuredMs > 0
          ? Math.round((total.successes / ((durationMs - unmeasuredMs) / 1000)) * 100) / 100
          : 0,
      ...(unmeasuredMs > 0 ? { unmeasuredMs: Math.round(unmeasuredMs) } : {}),
      purchasesOutOfStock: this.purchasesOutOfStock,
      held: this.heldSummary(),
    };
  }

  checkpoint(): SpanCheckpoint {
    return {
      name: this.name,
      operations: [...this.byOperation].map(([name, e]) => ({
        name,
        type: e.type,
        attempts: e.acc.attempts,
        failures: e.acc.failures,
        ...(e.acc.refused ? { refused: e.acc.refused } : {}),
        latency: encodeHistogram(e.acc.latency),
        ...(e.acc.slowCounted ? { slow: e.acc.slow } : {}),
      })),
      errors: [...this.errors].map(([errorClass, e]) => ({
        errorClass,
        count: e.count,
        sqlStates: Object.fromEntries(e.sqlStates),
        example: e.example,
        ...(e.firstAt !== undefined ? { firstAt: e.firstAt, lastAt: e.lastAt } : {}),
      })),
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
      acc.refused = op.refused ?? 0;
      acc.slow = op.slow ?? 0;
      // An older checkpoint did not count them: known only when nothing succeeded.
      acc.slowCounted = op.slow !== undefined || op.attempts === op.failures;
      addEncoded(acc.latency, op.latency);
    }
    for (const e of c.errors)
      span.errors.set(e.errorClass, {
        count: e.count,
        sqlStates: new Map(Object.entries(e.sqlStates)),
        example: e.example,
        firstAt: e.firstAt,
        lastAt: e.lastAt,
      });
    span.purchasesOutOfStock = c.purchasesOutOfStock;
    addEncoded(span.held, c.held);
    span.firstAt = c.firstAt;
    span.lastAt = c.lastAt;
    return span;
  }

  /** Adds another span's figures into this one (for the whole run). */
  absorb(other: SpanMetrics): void {
    for (const [name, e] of other.byOperation) this.operation(name, e.type).add(e.acc);
    for (const [cls, e] of other.errors) {
      const mine: ErrorEntry = this.errors.get(cls) ?? { count: 0, sqlStates: new Map(), example: e.example };
      mine.count += e.count;
      if (e.firstAt !== undefined) mine.firstAt = Math.min(mine.firstAt ?? e.firstAt, e.firstAt);
      if (e.lastAt !== undefined) mine.lastAt = Math.max(mine.lastAt ?? e.lastAt, e.lastAt);
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
