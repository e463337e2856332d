/**
 * When a path could not write: a window opens at a failed write (or purchase) and closes at the
 * first successful one that started after it opened, the moment a writer took writes again (after a
 * failover, the new writer). Reads are left out: a replica that still answers reads does not make a
 * path writable. Bounded: at most MAX_WINDOWS are kept (the last ones merge into the final window).
 */
import type { WriteOutage } from '../../shared/workload-types';

const MAX_WINDOWS = 200;

interface Window {
  start: number;
  end: number | null;
  failures: number;
}

export class WriteOutages {
  private readonly windows: Window[];

  constructor(from?: WriteOutage[]) {
    this.windows = (from ?? []).map((w) => ({
      start: Date.parse(w.start),
      end: w.end === null ? null : Date.parse(w.end),
      failures: w.failures,
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
    this.windows.push({ start: at, end: null, failures: 1 });
  }

  succeeded(startedAt: number, at: number): void {
    const open = this.open;
    if (open && startedAt >= open.start) open.end = at;
  }

  snapshot(): WriteOutage[] {
    return this.windows.map((w) => ({
      start: new Date(w.start).toISOString(),
      end: w.end === null ? null : new Date(w.end).toISOString(),
      failures: w.failures,
    }));
  }
}
