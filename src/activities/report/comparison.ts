/**
 * Path against path under the same fault, as in seed 001's report: per path the totals, success
 * rates by type, average response time and detected downtime; then the candidate (the proxy)
 * against the baseline (direct): downtime reduction, transaction success rate change and
 * response time change, all relative, in percent.
 */
import { OPERATION_TYPES, type OperationType } from '../../shared/workload-types';
import type { PathReport } from './report-model';

export interface PathComparisonRow {
  path: string;
  totalOperations: number;
  successRate: number;
  successRateByType: Record<OperationType, number>;
  averageResponseMs: number;
  downtimeMs: number;
}

export interface Comparison {
  baseline: string;
  candidate: string;
  paths: PathComparisonRow[];
  /** (baseline - candidate) / baseline downtime, %; null when the baseline saw no downtime. */
  downtimeReductionPct: number | null;
  /** candidate / baseline transaction success rate - 1, %. */
  transactionSuccessRateChangePct: number | null;
  /** candidate / baseline average response time - 1, %. */
  responseTimeChangePct: number | null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const relative = (candidate: number, baseline: number) => (baseline > 0 ? round1((candidate / baseline - 1) * 100) : null);

/** Compares `proxy` with `direct` when both ran, otherwise the second path with the first. */
export function comparePaths(paths: PathReport[]): Comparison | undefined {
  if (paths.length < 2) return undefined;
  const baseline = paths.find((p) => p.path === 'direct') ?? paths[0]!;
  const candidate = paths.find((p) => p.path === 'proxy' && p !== baseline) ?? paths.find((p) => p !== baseline)!;
  const row = (p: PathReport): PathComparisonRow => ({
    path: p.path,
    totalOperations: p.overall.total.attempts,
    successRate: p.overall.total.successRate,
    successRateByType: Object.fromEntries(OPERATION_TYPES.map((t) => [t, p.overall.byType[t].successRate])) as Record<OperationType, number>,
    averageResponseMs: p.overall.total.latencyMs.mean,
    downtimeMs: p.downtimeMs,
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
  };
}
