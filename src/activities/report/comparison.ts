/**
 * Path against path under the same fault, as in seed 001's report: per path the totals, success
 * rates by type, average response time and detected downtime (failures and stalls); then the
 * candidate (the proxy) against the baseline (direct): downtime reduction, transaction success rate
 * change and response time change, all relative, in percent. Beside them, what the candidate held:
 * a proxy can hide errors by holding queries (fewer failures, the same outage) or shorten the outage.
 */
import { OPERATION_TYPES, type OperationType } from '../../shared/workload-types';
import type { Comparison, PathComparisonRow } from './comparison-types';
import type { PathReport } from './report-types';

const round1 = (x: number) => Math.round(x * 10) / 10;
const relative = (candidate: number | null, baseline: number | null) =>
  candidate !== null && baseline !== null && baseline > 0 ? round1((candidate / baseline - 1) * 100) : null;
/** Differences below this are noise: the workload samples availability a few times a second. */
const SIGNIFICANT_MS = 250;

function finding(b: PathComparisonRow, c: PathComparisonRow): string {
  const shorter = b.downtimeMs - c.downtimeMs;
  const outage =
    Math.abs(shorter) < Math.max(SIGNIFICANT_MS, b.downtimeMs * 0.1)
      ? `did not shorten the outage (${(c.downtimeMs / 1000).toFixed(1)} s vs ${(b.downtimeMs / 1000).toFixed(1)} s)`
      : shorter > 0
        ? `shortened the outage by ${(shorter / 1000).toFixed(1)} s`
        : `lengthened the outage by ${(-shorter / 1000).toFixed(1)} s`;
  const hid =
    c.held.count > b.held.count && c.failedOperations < b.failedOperations
      ? `; it held ${c.held.count} operations (up to ${((c.held.maxMs ?? 0) / 1000).toFixed(1)} s) and failed ${c.failedOperations} where ${b.path} failed ${b.failedOperations}: it turned errors into waits`
      : c.held.count > 0
        ? `; it held ${c.held.count} operations (up to ${((c.held.maxMs ?? 0) / 1000).toFixed(1)} s)`
        : '';
  return `${c.path} ${outage}${hid}.`;
}

/** Compares `proxy` with `direct` when both ran, otherwise the second path with the first. */
export function comparePaths(paths: PathReport[]): Comparison | undefined {
  if (paths.length < 2) return undefined;
  const baseline = paths.find((p) => p.path === 'direct') ?? paths[0]!;
  const candidate = paths.find((p) => p.path === 'proxy' && p !== baseline) ?? paths.find((p) => p !== baseline)!;
  const row = (p: PathReport): PathComparisonRow => ({
    path: p.path,
    totalOperations: p.overall.total.attempts,
    successRate: p.overall.total.successRate,
    successRateByType: Object.fromEntries(OPERATION_TYPES.map((t) => [t, p.overall.byType[t].successRate])) as Record<
      OperationType,
      number | null
    >,
    averageResponseMs: p.overall.total.latencyMs.mean,
    downtimeMs: p.downtimeMs,
    failedOperations: p.overall.total.failures,
    held: p.held,
  });
  const b = row(baseline);
  const c = row(candidate);
  return {
    baseline: b.path,
    candidate: c.path,
    paths: paths.map(row),
    downtimeReductionPct: b.downtimeMs > 0 ? round1(((b.downtimeMs - c.downtimeMs) / b.downtimeMs) * 100) : null,
    transactionSuccessRateChangePct: relative(c.successRateByType.transaction, b.successRateByType.transaction),
    responseTimeChangePct: relative(c.averageResponseMs, b.averageResponseMs),
    heldByCandidate: c.held.count - b.held.count,
    failuresAvoided: b.failedOperations - c.failedOperations,
    finding: finding(b, c),
  };
}
