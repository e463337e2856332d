/**
 * The stale-writer window, per path: after a writer change, a client that still reaches the demoted
 * writer (a DNS name cached for its TTL, a pooled connection) has its writes refused as read-only
 * (SQLSTATE 25006). The window is the span of the read-only errors the path really met, from the
 * start of the first such operation to the start of the last; a path whose proxy follows the
 * writer itself meets none.
 */
import type { WorkloadResult } from '../../shared/workload-types';
import { union } from '../workload/measurement/interval-union';
import type { PathReport } from './report-types';

export interface StaleWriterWindow {
  path: string;
  readOnlyErrors: number;
  firstAt: string | null;
  lastAt: string | null;
  /** lastAt - firstAt; 0 with one error or none. */
  spanMs: number;
  /**
   * How long its writes were not served from the inject on: its write outages (from a failed write
   * to the first successful write started after it) with its downtime windows. Reads that still
   * succeed on the demoted writer close the path's downtime windows; they do not close these.
   */
  writeDowntimeMs: number | null;
}

/**
 * The time writes were not served from `fromMs` on: the union of the path's write outages (a write
 * failed, reads may have gone on) and its downtime windows (no operation that started in one
 * succeeded, writes included: every worker held by a proxy is such a window).
 */
function writeDowntime(w: WorkloadResult | undefined, fromMs: number, untilMs: number): number | null {
  if (!w?.writeOutages) return null;
  const spans = [...w.writeOutages, ...w.downtime.windows]
    .map((o) => ({ start: Math.max(Date.parse(o.start), fromMs), end: o.end ? Date.parse(o.end) : null }))
    .filter((o) => o.end === null || o.end > o.start); // ended before the inject
  return union(spans).reduce((total, o) => total + (o.end ?? untilMs) - o.start, 0);
}

/** `fromMs`: the inject request; `untilMs`: the end of the run (for a write outage still open). */
export function staleWriterWindows(
  paths: PathReport[],
  workloads: WorkloadResult[],
  fromMs: number,
  untilMs: number,
): StaleWriterWindow[] {
  return paths.map((p) => {
    const e = p.overall.errors.read_only;
    const [firstAt, lastAt] = [e?.firstAt ?? null, e?.lastAt ?? null];
    return {
      path: p.path,
      readOnlyErrors: e?.count ?? 0,
      firstAt,
      lastAt,
      spanMs: firstAt && lastAt ? Date.parse(lastAt) - Date.parse(firstAt) : 0,
      writeDowntimeMs: writeDowntime(
        workloads.find((w) => w.connection === p.path),
        fromMs,
        untilMs,
      ),
    };
  });
}

/** "aurora: writes down 6.53 s; 41 read-only errors (25006) over 4.62 s, 07:15:11.367 to 07:15:15.990". */
export function staleWriterText(w: StaleWriterWindow): string {
  const writes = w.writeDowntimeMs === null ? '' : `writes down ${(w.writeDowntimeMs / 1000).toFixed(2)} s; `;
  if (w.readOnlyErrors === 0) return `${w.path}: ${writes}no read-only error (25006)`;
  const clock = (iso: string | null) => (iso ?? '-').slice(11, 23);
  return `${w.path}: ${writes}${w.readOnlyErrors} read-only error${w.readOnlyErrors === 1 ? '' : 's'} (25006) over ${(w.spanMs / 1000).toFixed(2)} s, ${clock(w.firstAt)} to ${clock(w.lastAt)}`;
}
