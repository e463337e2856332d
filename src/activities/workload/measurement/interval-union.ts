/** Time intervals (ms), some still open, coalesced where they overlap or touch. */

export interface Interval {
  start: number;
  /** null: still open, so it overlaps everything after its start. */
  end: number | null;
}

/**
 * Sorted by start, overlapping or touching intervals coalesce: start the earliest, end the latest
 * (null if any is open). `combine(into, next)` adds next's counts into `into` before its end moves.
 */
export function union<W extends Interval>(windows: W[], combine: (into: W, next: W) => void = () => {}): W[] {
  const merged: W[] = [];
  for (const w of [...windows].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && (last.end === null || w.start <= last.end)) {
      combine(last, w);
      last.end = last.end === null || w.end === null ? null : Math.max(last.end, w.end);
    } else merged.push({ ...w });
  }
  return merged;
}
