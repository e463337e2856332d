/**
 * A measurement's figures per phase: a span each time a phase begins, and each ended operation filed
 * under the phase it ended in by the phase log (phase-clock.ts). An operation that ended after a
 * change not yet heard of waits in `pending` (a poll's worth; checkpointed with the rest).
 */
import { classifyError, sqlState } from '../../../platform/error-classification';
import type { PhaseEntry } from '../../../shared/experiment-phases';
import type { PendingRecord } from './measurement-checkpoint';
import type { Span } from './measurement-span';
import { PHASE_WAIT_MS, type PhaseClock } from './phase-clock';
import { SpanMetrics } from './span-metrics';

/** At most this many wait (they go into every checkpoint); beyond, the oldest are filed with what is known. */
const MAX_PENDING = 1000;

/** Where a span sits in the phase log: when its phase was entered (its start, for older checkpoints). */
const keyOf = (span: Span): number => span.entered ?? span.from;

export class PhaseSpans {
  readonly spans: Span[] = [];
  readonly pending: PendingRecord[] = [];

  constructor(
    private readonly phases: PhaseClock,
    private readonly startedAt: number,
    /** When this process took the measurement up: records waiting since before then wait from then. */
    private readonly since = startedAt,
    /** A success that took this long or longer is counted past the stall threshold. */
    private readonly stallThresholdUs = Infinity,
  ) {}

  /** Files what the phase log now covers, and opens spans for the phases entered meanwhile. */
  tick(now: number): void {
    this.fileKnown();
    // Held too long (Temporal unreachable): filed under the last phase heard, as the live figures are.
    if (this.pending.length > 0 && now - Math.max(this.pending[0]!.at, this.since) > PHASE_WAIT_MS) this.fileAll();
    this.phases.entryAt(now); // a phase read from a function is observed here
    const latest = this.phases.entries().at(-1);
    if (latest) this.spanOf(latest);
  }

  /** The operations still waiting, for a checkpoint (latencies in whole microseconds). */
  pendingSnapshot(): { pending?: PendingRecord[] } {
    return this.pending.length
      ? { pending: this.pending.map((r) => ({ ...r, latencyUs: Math.round(r.latencyUs) })) }
      : {};
  }

  /** Files everything still waiting, with what is known now (the measurement is over, or cannot wait). */
  fileAll(): void {
    this.fileKnown(true);
  }

  /**
   * The span of a phase entry; spans open for it and every entry before it not yet opened (a phase
   * no operation ended in still has its row). An entry of the same phase as the span before it (a
   * run continued as new) goes on in that span.
   */
  private spanOf(entry: PhaseEntry): Span {
    const last = this.spans[this.spans.length - 1];
    // A span from a checkpoint written before the phase log: the entry of its phase is its own.
    if (last && last.entered === undefined && last.phase === entry.phase) last.entered = entry.at;
    if (!last || this.isAfter(entry, last)) return this.openThrough(entry, last);
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const span = this.spans[i]!;
      if (keyOf(span) === entry.at && span.phase === entry.phase) return span;
    }
    // An entry no span was opened for, older than the last one (folded into a span of its phase):
    // the span in force at its time.
    return [...this.spans].reverse().find((span) => keyOf(span) <= entry.at) ?? this.spans[0]!;
  }

  /** The entry comes after the span's in the log (by time; by the log's order at the same time). */
  private isAfter(entry: PhaseEntry, span: Span): boolean {
    if (entry.at !== keyOf(span)) return entry.at > keyOf(span);
    if (entry.phase === span.phase) return false;
    return this.phases.entries().indexOf(entry) > this.logIndexOf(span);
  }

  /** Where the span's entry is in the log (-1: not there, a span of a previous run or an older checkpoint). */
  private logIndexOf(span: Span): number {
    return this.phases.entries().findIndex((e) => e.at === span.entered && e.phase === span.phase);
  }

  /** Opens spans for the entries after `last`'s up to `entry`, in the log's order. */
  private openThrough(entry: PhaseEntry, last: Span | undefined): Span {
    const log = this.phases.entries();
    let from: PhaseEntry | undefined = last ? undefined : this.phases.entryAt(this.startedAt, true);
    const lastIndex = last ? this.logIndexOf(last) : -1;
    const entryIndex = log.indexOf(entry);
    const between =
      lastIndex >= 0 && entryIndex >= 0
        ? log.slice(lastIndex + 1, entryIndex)
        : log.filter((e) => e.at > (last ? keyOf(last) : (from?.at ?? entry.at)) && e.at < entry.at);
    // The first span: the phase in force when the measurement started, then every one since.
    if (from && (from === entry || from.at >= entry.at)) from = undefined;
    for (const e of [...(from ? [from] : []), ...between, entry]) this.open(e);
    return this.spans[this.spans.length - 1]!;
  }

  private open(e: PhaseEntry): void {
    const current = this.spans[this.spans.length - 1];
    if (current && current.phase === e.phase) {
      current.entered = e.at;
      return;
    }
    const from = Math.max(e.at, this.startedAt, current?.from ?? -Infinity);
    if (current) current.to = from;
    const occurrence = this.spans.filter((s) => s.phase === e.phase).length + 1;
    this.spans.push({ phase: e.phase, occurrence, metrics: new SpanMetrics(e.phase), from, entered: e.at });
  }

  /** Files an ended operation under its phase, or keeps it until the phase log covers its time. */
  file(r: PendingRecord): void {
    const entry = this.pending.length === 0 ? this.phases.entryAt(r.at) : undefined;
    if (entry) {
      applyRecord(this.spanOf(entry).metrics, r, this.stallThresholdUs);
      return;
    }
    this.pending.push(r);
    if (this.pending.length > MAX_PENDING) this.fileKnown(true, this.pending.length - MAX_PENDING);
  }

  /** Files what the phase log now covers; `force`: the oldest `count` (all), with what is known now. */
  private fileKnown(force = false, count = Infinity): void {
    let filed = 0;
    for (const r of this.pending) {
      if (filed >= count) break;
      const entry = this.phases.entryAt(r.at, force) ?? (force ? this.fallbackEntry(r.at) : undefined);
      if (!entry) break;
      applyRecord(this.spanOf(entry).metrics, r, this.stallThresholdUs);
      filed++;
    }
    if (filed > 0) this.pending.splice(0, filed);
  }

  /** No phase heard yet (a resumed measurement before its first answer): the last span's, or the current phase from now. */
  private fallbackEntry(at: number): PhaseEntry {
    const last = this.spans[this.spans.length - 1];
    return last ? { phase: last.phase, at: keyOf(last) } : { phase: this.phases.current(), at };
  }
}

function applyRecord(span: SpanMetrics, r: PendingRecord, stallThresholdUs: number): void {
  if (r.refused) {
    span.recordRefusal(r.name, r.type, r.at);
    return;
  }
  if (r.failure) {
    const f = r.failure;
    span.recordFailure(r.name, r.type, f.errorClass, f.sqlState, f.message, r.at);
    return;
  }
  span.recordSuccess(r.name, r.type, r.latencyUs, r.at, r.held === true || r.latencyUs >= stallThresholdUs);
  if (r.outOfStock) span.purchasesOutOfStock++;
  if (r.held) span.recordHeld(r.latencyUs);
}

/** A failed operation's error as a record keeps it: its class, SQLSTATE and (the start of) its message. */
export function failureOf(err: unknown): NonNullable<PendingRecord['failure']> {
  const message = err instanceof Error ? err.message : String(err);
  const code = sqlState(err);
  return { errorClass: classifyError(err), ...(code ? { sqlState: code } : {}), message: message.slice(0, 300) };
}
