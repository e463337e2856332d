/** What the path comparison (comparison.ts) gives the report: a row per path, the candidate against the baseline. */
import type { HeldSummary, OperationType } from '../../shared/workload-types';

export interface PathComparisonRow {
  path: string;
  totalOperations: number;
  /** null: no operation was attempted. */
  successRate: number | null;
  successRateByType: Record<OperationType, number | null>;
  /** null: no operation succeeded. */
  averageResponseMs: number | null;
  downtimeMs: number;
  failedOperations: number;
  held: HeldSummary;
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
  /** Operations the candidate held (then served) more than the baseline, and failures it avoided. */
  heldByCandidate: number;
  failuresAvoided: number;
  /** One sentence: what the candidate did with the outage. */
  finding: string;
}
