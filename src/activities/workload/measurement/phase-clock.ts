/**
 * Which phase an operation belongs to: the one in force when it ended, by the time the workflow
 * entered each phase. The workflow's log is heard a poll later, so an operation that ended after a
 * change not yet heard waits (PathMeasurement's pending records) instead of being filed under the
 * phase before: an inject shorter than a poll still has its own figures, and the first failures of
 * a fault are the fault's. Pure.
 */
import type { PhaseEntry } from '../../../shared/experiment-phases';

/** How long a moment waits for the phase log to cover it (a few polls missed): after it, what is known is taken. */
export const PHASE_WAIT_MS = 3000;

export interface PhaseClock {
  /** The phase as last heard: live figures. */
  current(): string;
  /**
   * The entry in force at `t`, once an answer asked for after `t` has come; undefined until then.
   * `force`: with what is known now (the latest entry when `t` is past what was heard).
   */
  entryAt(t: number, force?: boolean): PhaseEntry | undefined;
  /** The entries heard so far, in order. */
  entries(): readonly PhaseEntry[];
}

/** The last entry at or before `t` (the first one when `t` is before them all). */
function inForce(entries: readonly PhaseEntry[], t: number): PhaseEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.at <= t) return entries[i];
  return entries[0];
}

/**
 * The workflow's phase log as polled: `heard` takes each answer with the time it was asked for.
 * `phaseAt` answers for a moment once it is known (the payment workload tags each payment with the
 * phase it was started in), in the order asked.
 */
export class PolledPhaseLog implements PhaseClock {
  private log: PhaseEntry[] = [];
  private knownUntil = -Infinity;
  private latest: string;
  private readonly waiting: Array<{ t: number; resolve: (phase: string) => void }> = [];

  constructor(
    initial: string,
    /** Only these phases are kept: an operation after them belongs to the last one. */
    private readonly kept: readonly string[],
  ) {
    this.latest = initial;
  }

  heard(entries: readonly PhaseEntry[], askedAt: number): void {
    this.log = entries.filter((e) => this.kept.includes(e.phase));
    this.knownUntil = Math.max(this.knownUntil, askedAt);
    const last = entries[entries.length - 1];
    if (last) this.latest = last.phase;
    this.settle((w) => w.t <= this.knownUntil);
  }

  /** The phase in force at `t`, as soon as an answer asked for after `t` has come. */
  phaseAt(t: number): Promise<string> {
    if (this.waiting.length === 0 && t <= this.knownUntil) return Promise.resolve(this.phaseInForce(t));
    return new Promise((resolve) => this.waiting.push({ t, resolve }));
  }

  /** Answers those asked for a moment before `before` with what is known now (Temporal unreachable, or the end). */
  settleWaiting(before = Infinity): void {
    this.settle((w) => w.t < before);
  }

  private settle(ready: (w: { t: number }) => boolean): void {
    let n = 0;
    while (n < this.waiting.length && ready(this.waiting[n]!)) n++;
    for (const w of this.waiting.splice(0, n)) w.resolve(this.phaseInForce(w.t));
  }

  private phaseInForce(t: number): string {
    return inForce(this.log, t)?.phase ?? this.latest;
  }

  current(): string {
    return this.latest;
  }

  entryAt(t: number, force = false): PhaseEntry | undefined {
    if (!force && t > this.knownUntil) return undefined;
    return inForce(this.log, t);
  }

  entries(): readonly PhaseEntry[] {
    return this.log;
  }
}

/**
 * A phase read from a function at the moment each operation ends (no workflow: a plain run, a test,
 * a finished measurement read back): an entry each time it changes, at the time it was first seen.
 */
export function observedPhases(phaseOf: () => string): PhaseClock {
  const log: PhaseEntry[] = [];
  const observe = (t: number) => {
    const phase = phaseOf();
    const last = log[log.length - 1];
    if (!last || last.phase !== phase) log.push({ phase, at: Math.max(t, last?.at ?? t) });
  };
  return {
    current: phaseOf,
    entryAt: (t) => {
      observe(t);
      return inForce(log, t);
    },
    entries: () => log,
  };
}
