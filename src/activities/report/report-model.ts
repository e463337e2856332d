/** The report's one data model, from which the JSON, HTML and console forms are made. */
import type { ExperimentOutcome } from '../../shared/experiment-types';
import { describeFault } from '../../shared/experiment-schema';
import type { WorkloadResult, WorkloadStats } from '../../shared/workload-types';
import { comparePaths, type Comparison } from './comparison';

export const REPORT_SCHEMA_VERSION = 1;

export interface PathReport {
  path: string;
  overall: WorkloadStats;
  phases: WorkloadResult['phases'];
  downtimeMs: number;
  downtimeWindows: WorkloadResult['downtime']['windows'];
  /** From the restore request to this path's first success after it (0 if it never failed then). */
  recoveryMs: number | null;
  timeline: WorkloadResult['timeline'];
  stoppedBy: WorkloadResult['stoppedBy'];
  pgbench?: WorkloadResult['pgbench'];
}

export interface ExperimentReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  experimentId: string;
  name: string;
  generatedAt: string;
  startedAt: string;
  endedAt: string;
  verdict: ExperimentOutcome['verdict'];
  verdictReason: string;
  abort?: ExperimentOutcome['abort'];
  definition: ExperimentOutcome['definition'];
  fault: { kind: string; target: string };
  timestamps: {
    injectRequestedAt: string | null;
    targetDownAt: string | null;
    restoreRequestedAt: string | null;
    targetRunningAt: string | null;
    servingAgainAt: string | null;
    recoveredAt: string | null;
  };
  /** Ground truth: from the inject request to the target serving again. */
  faultWindowMs: number | null;
  restore: { action: string; note: string } | null;
  /** Experiments that repeat the fault: each one, from the inject request to serving again and recovered. */
  cycles?: Array<{ cycle: number; injectRequestedAt: string; servingAgainAt: string | null; faultWindowMs: number | null; recoveredAt: string | null }>;
  /** Aurora faults: old and new writer, and the events seen on the timeline. */
  rds?: NonNullable<ExperimentOutcome['injection']>['rds'];
  steadyState: { before?: ExperimentOutcome['steadyStateBefore']; after?: ExperimentOutcome['steadyStateAfter'] };
  paths: PathReport[];
  /** Present when more than one path ran: proxy against direct, as in seed 001. */
  comparison?: Comparison;
  /** Experiments with payments (seed 000): the payment workload's figures per phase and channel, and the audit. */
  payments?: ExperimentOutcome['payments'];
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

function restoreNote(kind: string, action: string): string {
  if (kind === 'rds') return 'a failover has nothing to undo: the restore waited until the cluster was available and every path answered a query';
  return `container ${action === 'none' ? 'was already running' : `restored by ${action}`}; verified running and answering on every path`;
}

export function buildReport(outcome: ExperimentOutcome): ExperimentReport {
  const restoreRequested = ms(outcome.restore?.restoreRequestedAt);
  const { fault, target } = describeFault(outcome.definition.fault);
  const injectAt = ms(outcome.injection?.injectRequestedAt);
  const servingAt = ms(outcome.restore?.servingAgainAt);
  const paths: PathReport[] = outcome.workloads.map((w) => {
    const lastEnd = Math.max(0, ...w.downtime.windows.map((win) => ms(win.end) ?? 0));
    return {
      path: w.connection,
      overall: w.overall,
      phases: w.phases,
      downtimeMs: w.downtime.totalMs,
      downtimeWindows: w.downtime.windows,
      recoveryMs: restoreRequested === null ? null : Math.max(0, lastEnd - restoreRequested),
      timeline: w.timeline,
      stoppedBy: w.stoppedBy,
      ...(w.pgbench ? { pgbench: w.pgbench } : {}),
    };
  });
  const comparison = comparePaths(paths);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    experimentId: outcome.experimentId,
    name: outcome.definition.name,
    generatedAt: new Date().toISOString(),
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    verdict: outcome.verdict,
    verdictReason: outcome.verdictReason,
    ...(outcome.abort ? { abort: outcome.abort } : {}),
    definition: outcome.definition,
    fault: { kind: fault, target: outcome.injection?.target.name ?? target },
    timestamps: {
      injectRequestedAt: outcome.injection?.injectRequestedAt ?? null,
      targetDownAt: outcome.injection?.targetDownAt ?? null,
      restoreRequestedAt: outcome.restore?.restoreRequestedAt ?? null,
      targetRunningAt: outcome.restore?.targetRunningAt ?? null,
      servingAgainAt: outcome.restore?.servingAgainAt ?? null,
      recoveredAt: outcome.recoveredAt ?? null,
    },
    faultWindowMs: injectAt !== null && servingAt !== null ? servingAt - injectAt : null,
    restore: outcome.restore ? { action: outcome.restore.action, note: restoreNote(outcome.definition.fault?.kind ?? 'none', outcome.restore.action) } : null,
    ...(outcome.cycles
      ? {
          cycles: outcome.cycles.map((c) => ({
            cycle: c.cycle,
            injectRequestedAt: c.injection.injectRequestedAt,
            servingAgainAt: c.restore?.servingAgainAt ?? null,
            faultWindowMs: c.restore ? Date.parse(c.restore.servingAgainAt) - Date.parse(c.injection.injectRequestedAt) : null,
            recoveredAt: c.recoveredAt ?? null,
          })),
        }
      : {}),
    ...(outcome.injection?.rds ? { rds: outcome.injection.rds } : {}),
    steadyState: { before: outcome.steadyStateBefore, after: outcome.steadyStateAfter },
    paths,
    ...(comparison ? { comparison } : {}),
    ...(outcome.payments ? { payments: outcome.payments } : {}),
  };
}
