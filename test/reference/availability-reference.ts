/**
 * The definition of unavailability, written a second time, as plainly as possible and offline, so
 * that tests can judge the detector (and the reports) by something that does not share its code:
 *
 *   an attempt is bad when it failed, or when it took (or has been outstanding for) at least the
 *   threshold; a bad attempt that started at s opens [s, e], where e is the earliest completion of a
 *   successful attempt that started at or after s (null when there is none yet); overlapping windows
 *   are merged.
 */
export interface Attempt {
  start: number;
  /** null: still outstanding at `until` */
  end: number | null;
  ok: boolean;
}

export interface ReferenceWindow {
  start: number;
  end: number | null;
}

export function referenceWindows(attempts: Attempt[], thresholdMs: number, until: number): ReferenceWindow[] {
  const bad = attempts.filter((a) =>
    a.end === null ? until - a.start >= thresholdMs : !a.ok || a.end - a.start >= thresholdMs,
  );
  const successes = attempts.filter((a) => a.ok && a.end !== null);
  const raw = bad.map((b) => {
    const ends = successes.filter((s) => s.start >= b.start).map((s) => s.end!);
    return { start: b.start, end: ends.length ? Math.min(...ends) : null };
  });
  raw.sort((a, b) => a.start - b.start);
  const merged: ReferenceWindow[] = [];
  for (const w of raw) {
    const last = merged[merged.length - 1];
    if (last && (last.end === null || w.start <= last.end)) {
      last.end = last.end === null || w.end === null ? null : Math.max(last.end, w.end);
    } else {
      merged.push({ ...w });
    }
  }
  return merged;
}

/** Total unavailable time, an open window counted up to `until`, optionally clipped to [from, to]. */
export function referenceTotalMs(windows: ReferenceWindow[], until: number, from = -Infinity, to = Infinity): number {
  return windows.reduce((sum, w) => sum + Math.max(0, Math.min(w.end ?? until, to) - Math.max(w.start, from)), 0);
}
