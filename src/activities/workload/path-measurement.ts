/**
 * Everything one path's workload measures, in bounded memory: figures per phase (one span each time
 * a phase begins), a 100 ms timeline, and availability (failures and stalls, see
 * availability-detector.ts). The engine reports each operation's start and end here; nothing is
 * kept per operation once it has ended.
 */
import type { OperationName, OperationType, PhaseStats, WorkloadProgress, WorkloadResult } from '../../shared/workload-types';
import { AvailabilityDetector } from './availability-detector';
import { classifyError, sqlState } from './error-classification';
import { SpanMetrics, Timeline } from './workload-metrics';

interface Span {
  phase: string;
  occurrence: number;
  metrics: SpanMetrics;
  from: number;
  to?: number;
}

export interface OperationRef {
  name: OperationName;
  type: OperationType;
}

export class PathMeasurement {
  readonly availability: AvailabilityDetector;
  private readonly spans: Span[] = [];
  private readonly timeline = new Timeline(100);
  private readonly counters = { attempts: 0, failures: 0, held: 0 };
  private lastProgress: { at: number; attempts: number; failures: number };

  constructor(
    readonly connection: string,
    readonly stallThresholdMs: number,
    private readonly phaseOf: () => string,
    readonly startedAt = Date.now(),
    horizonMs?: number,
  ) {
    this.availability = new AvailabilityDetector({ stallThresholdMs, horizonMs });
    this.lastProgress = { at: startedAt, attempts: 0, failures: 0 };
  }

  /** The span of the current phase; a new one each time the phase changes. */
  private spanAt(at: number): SpanMetrics {
    const phase = this.phaseOf();
    const current = this.spans[this.spans.length - 1];
    if (current && current.phase === phase) return current.metrics;
    if (current) current.to = at;
    const occurrence = this.spans.filter((s) => s.phase === phase).length + 1;
    const span: Span = { phase, occurrence, metrics: new SpanMetrics(phase), from: at };
    this.spans.push(span);
    return span.metrics;
  }

  started(at: number): number {
    return this.availability.started(at);
  }

  succeeded(token: number, op: OperationRef, startedAt: number, at: number, latencyUs: number, outOfStock = false): void {
    const span = this.spanAt(at);
    span.recordSuccess(op.name, op.type, latencyUs, at);
    if (outOfStock) span.purchasesOutOfStock++;
    if (at - startedAt >= this.stallThresholdMs) {
      span.recordHeld(latencyUs);
      this.counters.held++;
    }
    this.timeline.record(at, true, latencyUs);
    this.availability.succeeded(token, at);
    this.counters.attempts++;
  }

  failed(token: number, op: OperationRef, at: number, latencyUs: number, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.spanAt(at).recordFailure(op.name, op.type, classifyError(err), sqlState(err), message, at);
    this.timeline.record(at, false, latencyUs);
    this.availability.failed(token, at);
    this.counters.attempts++;
    this.counters.failures++;
  }

  /** An operation cut short by our own shutdown: neither a success nor a failure of the path. */
  abandoned(token: number): void {
    this.availability.abandoned(token);
  }

  tick(now: number): void {
    this.availability.tick(now);
  }

  get down(): boolean {
    return this.availability.down;
  }

  /** Live figures; ops/s and the error rate are over the time since the previous call. */
  progress(now: number): WorkloadProgress {
    const { attempts, failures } = this.counters;
    const dAttempts = attempts - this.lastProgress.attempts;
    const dFailures = failures - this.lastProgress.failures;
    const seconds = (now - this.lastProgress.at) / 1000;
    this.lastProgress = { at: now, attempts, failures };
    const live = this.availability.live(now);
    return {
      connection: this.connection,
      phase: this.phaseOf(),
      at: now,
      elapsedMs: now - this.startedAt,
      attempts,
      successes: attempts - failures,
      failures,
      opsPerSecond: seconds > 0 ? Math.round(dAttempts / seconds) : 0,
      errorRate: dAttempts > 0 ? dFailures / dAttempts : 0,
      down: live.down,
      downSince: live.downSince === null ? null : new Date(live.downSince).toISOString(),
      stalled: live.stalled,
      oldestInFlightMs: live.oldestInFlightMs,
      downtimeMs: Math.round(this.availability.totalMs(now)),
      held: this.counters.held,
    };
  }

  /** The figures of the whole run; call once, when the run is over (frees the histograms). */
  result(endedAt: number, stoppedBy: WorkloadResult['stoppedBy']): WorkloadResult {
    this.availability.tick(endedAt);
    const overall = new SpanMetrics('overall');
    for (const span of this.spans) overall.absorb(span.metrics);
    const phases: PhaseStats[] = this.spans.map((span) => ({ phase: span.phase, occurrence: span.occurrence, ...span.metrics.stats(span.from, span.to ?? endedAt) }));
    const snapshot = this.availability.snapshot();
    const result: WorkloadResult = {
      connection: this.connection,
      overall: overall.stats(this.startedAt, endedAt),
      phases,
      timeline: { bucketMs: this.timeline.bucketMs, buckets: this.timeline.finish() },
      downtime: {
        stallThresholdMs: this.stallThresholdMs,
        windows: snapshot.windows.map((w) => ({
          start: new Date(w.start).toISOString(),
          end: w.end === null ? null : new Date(w.end).toISOString(),
          durationMs: Math.round((w.end ?? endedAt) - w.start),
          failures: w.failures,
          stalls: w.stalls,
          ...(w.closedByHeld ? { closedByHeld: true } : {}),
        })),
        totalMs: Math.round(this.availability.totalMs(endedAt)),
        openAtEnd: this.availability.down,
        ...(snapshot.folded.count ? { folded: snapshot.folded } : {}),
      },
      stoppedBy,
    };
    overall.destroy();
    for (const span of this.spans) span.metrics.destroy();
    return result;
  }
}
