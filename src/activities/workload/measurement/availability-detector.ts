/**
 * Availability as a client sees it, stalls included. Pure; fed by the workload engine and by the
 * ground-truth probe.
 *
 * Definition. An operation is *bad* when it fails, or when it is still outstanding `stallThresholdMs`
 * after it started (a stall: a paused server, a black-holed network, a proxy holding queries). A bad
 * operation that started at `s` makes the path unavailable from `s` until the completion of the first
 * successful operation that started at or after `s` (a held operation that finally succeeds closes its
 * own window when it completes, so the time it was held counts). Overlapping windows are one window.
 * Operations faster than the threshold never open a window, whatever their latency. The threshold
 * is per round trip: an operation whose server answered (`answered`) waits on its next round trip
 * from then, so an operation of many round trips each answered within it is slow, not stalled (a
 * login under added latency, a transaction of six statements).
 *
 * Live: `tick(now)` marks operations that have been outstanding longer than the threshold as stalled,
 * so `down` is true during a stall, not only after it. Memory is bounded: in-flight operations, the
 * successes of the last `horizonMs` (only those that can still close a window) and at most
 * `maxWindows` windows (older ones are folded into a count).
 */
import type {
  AvailabilityOptions,
  AvailabilitySnapshot,
  AvailabilityWindow,
  LiveAvailability,
} from './availability-types';
import { SuccessLog } from './success-log';

const DEFAULT_HORIZON_MS = 60_000;
const DEFAULT_MAX_WINDOWS = 1000;

interface InFlight {
  start: number;
  stalled: boolean;
  /** Since when it waits for an answer: its start, or its server's last answer. */
  waitingSince: number;
}

export class AvailabilityDetector {
  private readonly threshold: number;
  private readonly horizon: number;
  private readonly maxWindows: number;
  private readonly inFlight = new Map<number, InFlight>();
  private nextToken = 1;
  private readonly successes = new SuccessLog();
  /** Closed windows, sorted and disjoint. */
  private readonly closed: AvailabilityWindow[] = [];
  private folded = { count: 0, totalMs: 0 };
  /** The open window closes at the first success that starts at or after `lastBadStart`. */
  private open: { start: number; lastBadStart: number; failures: number; stalls: number } | undefined;

  constructor(options: AvailabilityOptions, resumeFrom?: AvailabilitySnapshot) {
    this.threshold = options.stallThresholdMs;
    this.horizon = Math.max(options.horizonMs ?? DEFAULT_HORIZON_MS, options.stallThresholdMs * 2);
    this.maxWindows = options.maxWindows ?? DEFAULT_MAX_WINDOWS;
    if (resumeFrom) {
      this.folded = { ...resumeFrom.folded };
      for (const w of resumeFrom.windows) {
        if (w.end === null)
          this.open = { start: w.start, lastBadStart: w.start, failures: w.failures, stalls: w.stalls };
        else this.closed.push({ ...w });
      }
    }
  }

  get stallThresholdMs(): number {
    return this.threshold;
  }

  /** An operation started; returns its token. */
  started(at: number): number {
    const token = this.nextToken++;
    this.inFlight.set(token, { start: at, stalled: false, waitingSince: at });
    return token;
  }

  /** The operation's server answered one of its round trips at `at`: the next one waits from then. */
  answered(token: number, at: number): void {
    const op = this.inFlight.get(token);
    if (op && !op.stalled) op.waitingSince = Math.max(op.waitingSince, at);
  }

  /** Returns whether it was a stall (some round trip of it waited the threshold or longer). */
  succeeded(token: number, at: number): boolean {
    const op = this.take(token);
    if (!op) return false;
    const stalled = op.stalled || at - op.waitingSince >= this.threshold;
    this.successes.push(op.start, at);
    if (this.open && op.start >= this.open.lastBadStart) this.closeOpen(at, stalled);
    // A stall the ticks did not see (no tick fell inside it): still a window, up to its completion.
    if (!op.stalled && stalled) this.bad(op.start, 'stall');
    return stalled;
  }

  /** (When it failed does not matter: the window dates from when it started.) */
  failed(token: number, _at: number): void {
    const op = this.take(token);
    if (!op) return;
    this.bad(op.start, 'failure', op.stalled);
  }

  /** Forgets an operation that neither succeeded nor failed (cut short by our own shutdown). */
  abandoned(token: number): void {
    this.inFlight.delete(token);
  }

  /** Marks operations outstanding longer than the threshold as stalled. Call often (every 50 ms). */
  tick(now: number): void {
    for (const op of this.inFlight.values()) {
      if (!op.stalled && now - op.waitingSince >= this.threshold) {
        op.stalled = true;
        this.bad(op.start, 'stall');
      }
    }
    this.successes.forgetEndedBefore(now - this.horizon);
  }

  get down(): boolean {
    return this.open !== undefined;
  }

  live(now: number): LiveAvailability {
    let stalled = 0;
    let oldest = now;
    for (const op of this.inFlight.values()) {
      if (op.stalled) stalled++;
      oldest = Math.min(oldest, op.start);
    }
    return {
      down: this.open !== undefined,
      downSince: this.open?.start ?? null,
      stalled,
      oldestInFlightMs: now - oldest,
    };
  }

  /** The windows so far (an open one with end null); the state to resume from after a restart. */
  snapshot(): AvailabilitySnapshot {
    const windows = this.closed.map((w) => ({ ...w }));
    if (this.open)
      windows.push({ start: this.open.start, end: null, failures: this.open.failures, stalls: this.open.stalls });
    return { windows, folded: { ...this.folded } };
  }

  /** Total unavailable time up to `now` (an open window counts up to now). */
  totalMs(now: number): number {
    const closed = this.closed.reduce((sum, w) => sum + (w.end! - w.start), 0);
    return this.folded.totalMs + closed + (this.open ? Math.max(0, now - this.open.start) : 0);
  }

  private take(token: number): InFlight | undefined {
    const op = this.inFlight.get(token);
    this.inFlight.delete(token);
    return op;
  }

  /** An operation that started at `start` went bad (a stall already counted is not counted twice). */
  private bad(start: number, kind: 'failure' | 'stall', alreadyStalled = false): void {
    const failures = kind === 'failure' ? 1 : 0;
    const stalls = kind === 'stall' && !alreadyStalled ? 1 : 0;
    const open = this.open;
    if (open && start >= open.start) {
      open.failures += failures;
      open.stalls += stalls;
      open.lastBadStart = Math.max(open.lastBadStart, start);
      return;
    }
    // The window [start, end]: end is the earliest completion of a success that started at or after it.
    const end = this.successes.earliestEndFrom(start);
    if (open && (end === undefined || end >= open.start)) {
      // It joins the open window from the front.
      open.start = start;
      open.failures += failures;
      open.stalls += stalls;
      this.absorbClosedInto(open);
    } else if (end === undefined) {
      this.open = { start, lastBadStart: start, failures, stalls };
      this.absorbClosedInto(this.open);
    } else {
      this.insertClosed({ start, end, failures, stalls });
    }
  }

  private closeOpen(at: number, byHeld: boolean): void {
    const o = this.open!;
    this.open = undefined;
    this.insertClosed({
      start: o.start,
      end: at,
      failures: o.failures,
      stalls: o.stalls,
      ...(byHeld ? { closedByHeld: true } : {}),
    });
  }

  /** Closed windows that end at or after the open window's start belong to it. */
  private absorbClosedInto(open: NonNullable<typeof this.open>): void {
    while (this.closed.length > 0 && this.closed[this.closed.length - 1]!.end! >= open.start) {
      const last = this.closed.pop()!;
      open.start = Math.min(open.start, last.start);
      open.failures += last.failures;
      open.stalls += last.stalls;
    }
  }

  /** Inserts a closed window, merging it with any it overlaps. */
  private insertClosed(window: AvailabilityWindow): void {
    const merged = { ...window };
    let i = this.closed.length;
    // Windows after it, or overlapping it, come off the end (the list is short at its tail).
    const after: AvailabilityWindow[] = [];
    while (i > 0 && this.closed[i - 1]!.end! >= merged.start) {
      const w = this.closed.pop()!;
      i--;
      if (w.start > merged.end!) {
        after.unshift(w);
        continue;
      }
      merged.start = Math.min(merged.start, w.start);
      merged.end = Math.max(merged.end!, w.end!);
      merged.failures += w.failures;
      merged.stalls += w.stalls;
      if (w.end! >= merged.end!) merged.closedByHeld = w.closedByHeld;
    }
    this.closed.push(merged, ...after);
    while (this.closed.length > this.maxWindows) {
      const dropped = this.closed.shift()!;
      this.folded.count++;
      this.folded.totalMs += dropped.end! - dropped.start;
    }
  }
}
