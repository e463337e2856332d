/**
 * How the report writes numbers, in every form: a figure that does not exist (a success rate of zero
 * operations, a percentile of a phase with no success, a recovery that did not happen) is "-", never 0.
 */
import type { ProbeTimingSummary } from '../../shared/fault-types';
export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`;
/** Milliseconds as people read them: 8.1, 48.6, 212, 4030; "-" for none. */
export const msText = (v: number | null | undefined): string =>
  v === null || v === undefined ? '-' : v >= 100 ? String(Math.round(v)) : v.toFixed(1);
export const seconds = (ms: number | null | undefined, digits = 1): string =>
  ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(digits)} s`;
export const count = (x: number): string => x.toLocaleString('en-US');
export const signedPct = (x: number | null): string => (x === null ? 'n/a' : `${x > 0 ? '+' : ''}${x}%`);
/** "fault" for a phase seen once, "fault #2" for its second time (a repeated fault's second cycle). */
export const phaseLabel = (p: { phase: string; occurrence: number }, repeated: boolean): string =>
  repeated || p.occurrence > 1 ? `${p.phase} #${p.occurrence}` : p.phase;

/** The ground-truth probe's logins and round trips on a path, in one line. */
export function probeTimingText(t: ProbeTimingSummary): string {
  const failed = t.loginFailures + t.queryFailures;
  return (
    `new logins p50 ${msText(t.loginP50Ms)} ms, max ${msText(t.loginMaxMs)} ms; query round trip p50 ${msText(t.queryP50Ms)} ms, p95 ${msText(t.queryP95Ms)} ms` +
    ` (${count(t.logins)} attempts, ${count(failed)} failed)`
  );
}
