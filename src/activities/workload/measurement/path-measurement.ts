/**
 * Everything one path's workload measures, in bounded memory: figures per phase (one span each time
 * a phase begins, each operation filed under the phase it ended in: phase-clock.ts), a 100 ms
 * timeline, availability (failures and stalls, availability-detector.ts) and write and read outages. Nothing
 * is kept per operation once it has ended, but for the few that ended after a phase change not yet
 * heard (a poll's worth: `pending`, checkpointed with the rest). Durable: `checkpoint` gives the
 * whole state as plain data (histograms encoded, the timeline's file up to an offset); `resume`
 * takes it up in another process, the time between as a measurement gap.
 */
import type {
  MeasurementGap,
  OperationName,
  OperationType,
  PhaseStats,
  WorkloadProgress,
  WorkloadResult,
} from '../../../shared/workload-types';
import { AvailabilityDetector } from './availability-detector';
import { TimelineFile } from './timeline-file';
import type { MeasurementCheckpoint, MeasurementOptions } from './measurement-checkpoint';
import { observedPhases, type PhaseClock } from './phase-clock';
import { failureOf, PhaseSpans } from './phase-spans';
import { downtimeResult, gapMsWithin } from './downtime-result';
import { readBaseSpans, spanFromCheckpoint, spanToCheckpoint } from './measurement-span';
import { SpanMetrics } from './span-metrics';
import { Timeline } from './timeline';
import { WriteOutages } from './write-outages';
import { LiveProgressMeter } from './live-progress-meter';

export interface OperationRef {
  name: OperationName;
  type: OperationType;
}

export class PathMeasurement {
  readonly connection: string;
  readonly stallThresholdMs: number;
  readonly startedAt: number;
  readonly availability: AvailabilityDetector;
  private readonly writes: WriteOutages;
  /** The same windows for reads: when the path served reads again (the first read on a new writer). */
  private readonly reads: WriteOutages;
  private readonly phases: PhaseClock;
  private readonly filed: PhaseSpans;
  private readonly timeline: Timeline;
  private readonly counters: MeasurementCheckpoint['counters'] = { attempts: 0, failures: 0, held: 0 };
  private readonly gaps: MeasurementGap[] = [];
  /** Spans taken over from a base file (a previous run's), left out of delta checkpoints. */
  private base: { file: string; spans: number } | undefined;
  private openGap: MeasurementGap | undefined;
  private readonly meter: LiveProgressMeter;

  /**
   * `resume.from`: the state to take up. `resume.baseFile`: the file `from` was read from, when it is a
   * previous run's final checkpoint: this measurement's checkpoints then refer to it for those spans.
   */
  constructor(
    options: MeasurementOptions,
    resume?: { from: MeasurementCheckpoint; at: number; cause?: MeasurementGap['cause']; baseFile?: string },
  ) {
    const cp = resume?.from;
    this.connection = options.connection;
    this.stallThresholdMs = cp?.stallThresholdMs ?? options.stallThresholdMs;
    this.startedAt = cp?.startedAt ?? options.startedAt ?? Date.now();
    this.phases = options.phases ?? observedPhases(options.phaseOf ?? (() => 'run'));
    this.filed = new PhaseSpans(this.phases, this.startedAt, resume?.at, this.stallThresholdMs * 1000);
    this.availability = new AvailabilityDetector(
      { stallThresholdMs: this.stallThresholdMs, horizonMs: options.horizonMs },
      cp?.availability,
    );
    this.writes = new WriteOutages(cp?.writeOutages, this.stallThresholdMs);
    this.reads = new WriteOutages(cp?.readOutages, this.stallThresholdMs);
    const file = options.timelineFile ?? cp?.timeline.file;
    this.timeline = new Timeline(
      cp?.timeline.bucketMs ?? 100,
      file ? new TimelineFile(file, cp?.timeline.file === file ? cp.timeline.bytes : undefined) : undefined,
    );
    if (cp && resume) {
      if (cp.base) this.filed.spans.push(...readBaseSpans(cp.base)); // a delta: the base file's spans first
      // The base's last span may go on (the phase is the same): it stays in the delta.
      this.base = resume.baseFile
        ? {
            file: resume.baseFile,
            spans: Math.max(0, (cp.base ? cp.base.spans + cp.spans.length : cp.spans.length) - 1),
          }
        : cp.base;
      this.filed.spans.push(...cp.spans.map(spanFromCheckpoint));
      this.filed.pending.push(...(cp.pending ?? []));
      Object.assign(this.counters, cp.counters);
      this.gaps.push(...cp.gaps);
      if (resume.cause) {
        this.openGap = {
          start: new Date(cp.at).toISOString(),
          end: new Date(resume.at).toISOString(),
          cause: resume.cause,
        };
        this.gaps.push(this.openGap);
      }
    }
    const path = { connection: this.connection, startedAt: this.startedAt, phase: () => this.phases.current() };
    this.meter = new LiveProgressMeter(path, this.counters, this.availability, resume?.at ?? this.startedAt);
  }

  started(at: number): number {
    if (this.openGap) {
      this.openGap.end = new Date(at).toISOString();
      this.openGap = undefined;
    }
    return this.availability.started(at);
  }

  succeeded(
    token: number,
    op: OperationRef,
    startedAt: number,
    at: number,
    latencyUs: number,
    outOfStock = false,
  ): void {
    const held = this.availability.succeeded(token, at); // a round trip of it waited the threshold or longer
    this.filed.file({
      at,
      name: op.name,
      type: op.type,
      latencyUs,
      ...(outOfStock ? { outOfStock } : {}),
      ...(held ? { held } : {}),
    });
    if (held) this.counters.held++;
    this.timeline.record(at, 'served', latencyUs);
    (op.type === 'read' ? this.reads : this.writes).succeeded(startedAt, at, held);
    this.counters.attempts++;
  }

  failed(token: number, op: OperationRef, at: number, latencyUs: number, err: unknown): void {
    this.filed.file({ at, name: op.name, type: op.type, latencyUs, failure: failureOf(err) });
    this.notServed(token, op, at, latencyUs, 'failed');
    this.counters.failures++;
  }

  /** An expected refusal (an HTTP service's 503 in an outage): down as for a failure, counted apart from them. */
  refused(token: number, op: OperationRef, at: number, latencyUs: number): void {
    this.filed.file({ at, name: op.name, type: op.type, latencyUs, refused: true });
    this.notServed(token, op, at, latencyUs, 'refused');
    this.counters.refused = (this.counters.refused ?? 0) + 1;
  }

  private notServed(token: number, op: OperationRef, at: number, latencyUs: number, how: 'failed' | 'refused'): void {
    this.timeline.record(at, how, latencyUs);
    this.availability.failed(token, at);
    (op.type === 'read' ? this.reads : this.writes).failed(at);
    this.counters.attempts++;
  }

  /** Cut short by our own shutdown: neither a success nor a failure of the path. */
  abandoned(token: number): void {
    this.availability.abandoned(token);
  }

  /** The server answered one of the operation's round trips (a statement of a transaction). */
  answered = (token: number, at: number): void => this.availability.answered(token, at);

  /** Every few ms: live availability, operations the phase log now covers, spans for phases entered meanwhile. */
  tick(now: number): void {
    this.availability.tick(now);
    this.filed.tick(now);
  }

  get down(): boolean {
    return this.availability.down;
  }

  /** Live figures; ops/s and the error rate are over the time since the previous call. */
  progress(now: number): WorkloadProgress {
    return this.meter.read(now);
  }

  /**
   * The state as plain data; the timeline's closed buckets are written to its file first. `whole`:
   * every span (a file for the next run and the report); otherwise the spans after the base file's.
   */
  checkpoint(now: number, end?: MeasurementCheckpoint['end'], whole = false): MeasurementCheckpoint {
    // The last one: every operation under its phase (the workflow's log has moved past them all).
    if (end) this.filed.fileAll();
    const bytes = this.timeline.flush();
    const delta = !whole && this.base !== undefined;
    const spans = delta ? this.filed.spans.slice(this.base!.spans) : this.filed.spans;
    return {
      version: 1,
      connection: this.connection,
      stallThresholdMs: this.stallThresholdMs,
      startedAt: this.startedAt,
      at: now,
      spans: spans.map(spanToCheckpoint),
      ...this.filed.pendingSnapshot(),
      ...(delta ? { base: this.base } : {}),
      availability: this.availability.snapshot(),
      writeOutages: this.writes.snapshot(),
      readOutages: this.reads.snapshot(),
      counters: { ...this.counters },
      gaps: this.gaps.map((g) => ({ ...g })),
      timeline: {
        bucketMs: this.timeline.bucketMs,
        ...(this.timeline.file ? { file: this.timeline.file.file } : {}),
        bytes,
      },
      ...(end ? { end } : {}),
    };
  }

  /** The figures of the whole run; call once, when the run is over (frees the histograms). */
  result(endedAt: number, stoppedBy: WorkloadResult['stoppedBy']): WorkloadResult {
    this.availability.tick(endedAt);
    this.filed.fileAll();
    const overall = new SpanMetrics('overall');
    for (const span of this.filed.spans) overall.absorb(span.metrics);
    const phases: PhaseStats[] = this.filed.spans.map((span) => ({
      phase: span.phase,
      occurrence: span.occurrence,
      ...span.metrics.stats(span.from, span.to ?? endedAt, this.gapMs(span.from, span.to ?? endedAt)),
    }));
    const buckets = this.timeline.finish();
    const result: WorkloadResult = {
      connection: this.connection,
      overall: overall.stats(this.startedAt, endedAt, this.gapMs(this.startedAt, endedAt)),
      phases,
      timeline: {
        bucketMs: this.timeline.bucketMs,
        buckets,
        ...(this.timeline.file ? { file: this.timeline.file.file } : {}),
      },
      downtime: downtimeResult(this.availability, this.stallThresholdMs, endedAt),
      writeOutages: this.writes.snapshot(),
      readOutages: this.reads.snapshot(),
      gaps: this.gaps.map((g) => ({ ...g })),
      stoppedBy,
    };
    overall.destroy();
    for (const span of this.filed.spans) span.metrics.destroy();
    return result;
  }

  private gapMs(from: number, to: number): number {
    return gapMsWithin(this.gaps, from, to);
  }
}
