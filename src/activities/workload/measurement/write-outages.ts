/**
 * When a path could not write: a window opens at a failed write (or purchase) and closes at the
 * first successful one that started after it opened, the moment a writer took writes again (after a
 * failover, the new writer). A write held past the stall threshold that then succeeds (a pooler
 * holding it through a failover) is an outage too, from its start to its completion: nothing failed,
 * but nothing was written either. One instance sees one kind of operation: a path keeps one for its
 * writes and one for its reads (path-measurement.ts), as a replica that still answers reads does not
 * make a path writable. Held ones merged into a window end at the last served; `firstEnd` keeps the
 * first. Bounded: at most MAX_WINDOWS are kept (the last ones merge into the final window).
 */
import type { WriteOutage } from '../../../shared/workload-types';

const MAX_WINDOWS = 200;

interface Window {
  start: number;
  end: number | null;
  failures: number;
  held: number;
  /** The first operation of it served: `end`, but for held ones merged in, whose last is `end`. */
  firstEnd: number | null;
}

export class WriteOutages {
  private readonly windows: Window[];

  constructor(
    from?: WriteOutage[],
    /** A write outstanding this long is held (the path's stall threshold); by default no write is. */
    private readonly stallThresholdMs = Infinity,
  ) {
    this.windows = (from ?? []).map((w) => ({
      start: Date.parse(w.start),
      end: w.end === null ? null : Date.parse(w.end),
      failures: w.failures,
      held: w.held ?? 0,
      firstEnd: w.firstServedAt ? Date.parse(w.firstServedAt) : w.end === null ? null : Date.parse(w.end),
    }));
  }

  private get open(): Window | undefined {
    const last = this.windows[this.windows.length - 1];
    return last && last.end === null ? last : undefined;
  }

  failed(at: number): void {
    const open = this.open;
    if (open) {
      open.failures++;
      return;
    }
    if (this.windows.length === MAX_WINDOWS) {
      const last = this.windows[MAX_WINDOWS - 1]!;
      last.end = null;
      last.failures++;
      return;
    }
    this.windows.push({ start: at, end: null, failures: 1, held: 0, firstEnd: null });
  }

  /** `held`: the availability detector's word (a round trip of it waited the threshold or longer). */
  succeeded(startedAt: number, at: number, held = at - startedAt >= this.stallThresholdMs): void {
    const open = this.open;
    if (open && startedAt >= open.start) {
      open.end = at;
      open.firstEnd ??= at;
      if (held) open.held++;
      return;
    }
    if (!held || open) return; // a held write that started before an open outage proves nothing about it
    const last = this.windows[this.windows.length - 1];
    if (last && startedAt <= last.end!) {
      // Held through the same outage as the last window: one outage.
      last.start = Math.min(last.start, startedAt);
      last.end = Math.max(last.end!, at);
      last.firstEnd = Math.min(last.firstEnd ?? at, at);
      last.held++;
    } else if (this.windows.length === MAX_WINDOWS) {
      last!.end = Math.max(last!.end!, at);
      last!.held++;
    } else this.windows.push({ start: startedAt, end: at, failures: 0, held: 1, firstEnd: at });
  }

  snapshot(): WriteOutage[] {
    return this.windows.map((w) => ({
      start: new Date(w.start).toISOString(),
      end: w.end === null ? null : new Date(w.end).toISOString(),
      failures: w.failures,
      ...(w.held ? { held: w.held } : {}),
      ...(w.firstEnd !== null && w.firstEnd !== w.end ? { firstServedAt: new Date(w.firstEnd).toISOString() } : {}),
    }));
  }
}
