/**
 * A measurement's figures per phase: a span each time a phase begins, and each ended operation filed
 * under the phase it ended in by the phase log (phase-clock.ts). An operation that ended after a
 * change not yet heard of waits in `pending` (a poll's worth; checkpointed with the rest).
 */
import { classifyError, sqlState } from '../../platform/error-classification';
import type { PhaseEntry } from '../../shared/experiment-phases';
import type { PendingRecord } from './measurement-checkpoint';
import type { Span } from './measurement-span';
import type { PhaseClock } from './phase-clock';
import { SpanMetrics } from './span-metrics';

/** How long an operation may wait for the phase log to cover it (a few polls missed). */
const MAX_PENDING_MS = 3000;

export class PhaseSpans {
  readonly spans: Span[] = [];
  readonly pending: PendingRecord[] = [];

  constructor(
    private readonly phases: PhaseClock,
    private readonly startedAt: number,
  ) {}

  /** Files what the phase log now covers, and opens spans for the phases entered meanwhile. */
  tick(now: number): void {
    this.fileKnown();
    // Held too long (Temporal unreachable): filed under the last phase heard, as the live figures are.
    if (this.pending.length > 0 && now - this.pending[0]!.at > MAX_PENDING_MS) this.fileAll();
    this.phases.entryAt(now); // a phase read from a function is observed here
    const latest = this.phases.entries()[this.phases.entries().length - 1];
    if (latest) this.spanOf(latest);
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
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const span = this.spans[i]!;
      if ((span.entered ?? span.from) <= entry.at) {
        if ((span.entered ?? span.from) === entry.at || i < this.spans.length - 1) return span;
        break;
      }
      if (i === 0) return span; // before every span: the first one
    }
    const last = this.spans[this.spans.length - 1];
    let first: PhaseEntry[] = [];
    let since: number;
    if (last) since = last.entered ?? last.from;
    else {
      // The first span: the phase in force when the measurement started, then every one since.
      const atStart = this.phases.entryAt(this.startedAt, true);
      since = atStart?.at ?? entry.at;
      if (atStart && atStart.at < entry.at) first = [atStart];
    }
    const between = this.phases.entries().filter((e) => e.at > since && e.at < entry.at);
    for (const e of [...first, ...between, entry]) this.open(e);
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
    if (entry) applyRecord(this.spanOf(entry).metrics, r);
    else this.pending.push(r);
  }

  /** Files what the phase log now covers; `force`: everything, with what is known now. */
  private fileKnown(force = false): void {
    let filed = 0;
    for (const r of this.pending) {
      const entry = this.phases.entryAt(r.at, force) ?? (force ? this.fallbackEntry(r.at) : undefined);
      if (!entry) break;
      applyRecord(this.spanOf(entry).metrics, r);
      filed++;
    }
    if (filed > 0) this.pending.splice(0, filed);
  }

  /** No phase heard yet (a resumed measurement before its first answer): the last span's, or the current phase from now. */
  private fallbackEntry(at: number): PhaseEntry {
    const last = this.spans[this.spans.length - 1];
    return last ? { phase: last.phase, at: last.entered ?? last.from } : { phase: this.phases.current(), at };
  }
}

function applyRecord(span: SpanMetrics, r: PendingRecord): void {
  if (r.failure) {
    const f = r.failure;
    span.recordFailure(r.name, r.type, f.errorClass, f.sqlState, f.message, r.at);
    return;
  }
  span.recordSuccess(r.name, r.type, r.latencyUs, r.at);
  if (r.outOfStock) span.purchasesOutOfStock++;
  if (r.held) span.recordHeld(r.latencyUs);
}

/** A failed operation's error as a record keeps it: its class, SQLSTATE and (the start of) its message. */
export function failureOf(err: unknown): NonNullable<PendingRecord['failure']> {
  const message = err instanceof Error ? err.message : String(err);
  const code = sqlState(err);
  return { errorClass: classifyError(err), ...(code ? { sqlState: code } : {}), message: message.slice(0, 300) };
}
