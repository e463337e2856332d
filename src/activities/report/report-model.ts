/** The report's one data model, from which the JSON, HTML and console forms are made. */
import type { ExperimentOutcome } from '../../shared/experiment-types';
import { describeFault } from '../../shared/experiment-schema';
import type { PaymentAudit, PaymentWorkloadResult } from '../../shared/payment-types';
import type { HeldSummary, MeasurementGap, WorkloadResult, WorkloadStats } from '../../shared/workload-types';
import { comparePaths, type Comparison } from './comparison';
import { cyclesOf, pathCycles, pathGroundTruth, type CycleReport, type PathCycle } from './fault-cycles';

export const REPORT_SCHEMA_VERSION = 1;

export interface PathReport {
  path: string;
  overall: WorkloadStats;
  phases: WorkloadResult['phases'];
  /** Detected downtime: failures and stalls (see `stallThresholdMs`), every window of the run. */
  downtimeMs: number;
  downtimeWindows: WorkloadResult['downtime']['windows'];
  stallThresholdMs: number;
  /** A window was still open when the measurement ended: this path had not recovered. */
  openAtEnd: boolean;
  /** Operations held longer than the stall threshold that then succeeded, and for how long. */
  held: HeldSummary;
  /**
   * From the restore request to this path serving again (the last cycle's); 0 only when the path
   * was already serving at the restore; null when it did not recover or nothing was restored.
   */
  recoveryMs: number | null;
  /** Per fault (cycle): detected downtime against the ground truth, and recovery after the restore. */
  cycles: PathCycle[];
  /** Time nothing measured this path (a lost worker, a continue-as-new): neither up nor down. */
  gaps: MeasurementGap[];
  /** The part of the detected downtime that fell in gaps (a window no operation could close). */
  downtimeInGapsMs: number;
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
  /** Ground truth: from the inject request to the target serving again (the first fault). */
  faultWindowMs: number | null;
  restore: { action: string; note: string } | null;
  /** Every fault (one, or each cycle of a repeated experiment) with its ground truth. */
  cycles: CycleReport[];
  /** What "downtime" means in this report, in two sentences. */
  downtimeDefinition: string;
  /** Aurora faults: old and new writer, and the events seen on the timeline. */
  rds?: NonNullable<ExperimentOutcome['injection']>['rds'];
  steadyState: { before?: ExperimentOutcome['steadyStateBefore']; after?: ExperimentOutcome['steadyStateAfter'] };
  paths: PathReport[];
  /** Present when more than one path ran: proxy against direct, as in seed 001. */
  comparison?: Comparison;
  /** Experiments with payments (seed 000): the payment workload's figures per phase and channel, and the audit. */
  payments?: { workload: PaymentWorkloadResult; audit?: PaymentAudit };
}

function restoreNote(kind: string, action: string): string {
  if (kind === 'rds') return 'a failover has nothing to undo: the restore waited until the cluster was available and every path answered a query';
  return `container ${action === 'none' ? 'was already running' : `restored by ${action}`}; verified running and answering on every path`;
}

function downtimeInGaps(w: WorkloadResult, until: number): number {
  let ms = 0;
  for (const g of w.gaps) {
    for (const win of w.downtime.windows) {
      ms += Math.max(0, Math.min(Date.parse(g.end), win.end ? Date.parse(win.end) : until) - Math.max(Date.parse(g.start), Date.parse(win.start)));
    }
  }
  return ms;
}

/** The definition of downtime, as the report states it. */
export function downtimeDefinition(stallThresholdMs: number): string {
  return (
    `A path is down from the start of an operation that fails, or that is still outstanding after ${stallThresholdMs} ms (a stall: a paused server, ` +
    'a black-holed network, a proxy holding queries), until the first operation that started at or after it completes successfully. ' +
    'Held operations that finally succeed count for the time they were held; latency below the threshold never counts.'
  );
}

/**
 * The report from what the workflow gathered and what the measurements wrote: each path's figures
 * (read from its checkpoint file, timeline included) and the payment workload's.
 */
export function buildReport(outcome: ExperimentOutcome, workloads: WorkloadResult[], payments?: PaymentWorkloadResult): ExperimentReport {
  const { fault, target } = describeFault(outcome.definition.fault);
  const cycles = cyclesOf(outcome);
  const first = cycles[0];
  const until = Date.parse(outcome.endedAt);
  const paths: PathReport[] = workloads.map((w) => {
    const perCycle = pathCycles(cycles, w.downtime.windows, until, pathGroundTruth(outcome, w.connection));
    const last = perCycle[perCycle.length - 1];
    return {
      path: w.connection,
      overall: w.overall,
      phases: w.phases,
      downtimeMs: w.downtime.totalMs,
      downtimeWindows: w.downtime.windows,
      stallThresholdMs: w.downtime.stallThresholdMs,
      openAtEnd: w.downtime.openAtEnd,
      held: w.overall.held,
      recoveryMs: last && !perCycle.some((c) => c.recovery === 'not-recovered') ? last.recoveryMs : null,
      cycles: perCycle,
      gaps: w.gaps,
      downtimeInGapsMs: Math.round(downtimeInGaps(w, until)),
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
      injectRequestedAt: first?.injectRequestedAt ?? null,
      targetDownAt: first?.targetDownAt ?? null,
      restoreRequestedAt: first?.restoreRequestedAt ?? null,
      targetRunningAt: outcome.cycles?.[0]?.restore?.targetRunningAt ?? null,
      servingAgainAt: first?.servingAgainAt ?? null,
      recoveredAt: outcome.recoveredAt ?? null,
    },
    faultWindowMs: first?.faultWindowMs ?? null,
    restore: outcome.restore ? { action: outcome.restore.action, note: restoreNote(outcome.definition.fault?.kind ?? 'none', outcome.restore.action) } : null,
    cycles,
    downtimeDefinition: downtimeDefinition(outcome.definition.workload.stallThresholdMs),
    ...(outcome.injection?.rds ? { rds: outcome.injection.rds } : {}),
    steadyState: { before: outcome.steadyStateBefore, after: outcome.steadyStateAfter },
    paths,
    ...(comparison ? { comparison } : {}),
    ...(payments ? { payments: { workload: payments, ...(outcome.payments?.audit ? { audit: outcome.payments.audit } : {}) } } : {}),
  };
}
