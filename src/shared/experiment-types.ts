/** What an experiment collects, what its report holds, and what the workflow returns. Pure. */
import type { HttpAuditResult } from './http-audit-types';
import type { BusinessWriteAudit } from './business-write-audit-types';
import type { ExperimentDefinition } from './experiment-schema';
import type { PaymentAudit, PaymentWorkloadSummary } from './payment-types';
import type { ExperimentPhase } from './experiment-phases';
import type { WorkloadProgress } from './workload-types';
import type { InjectionRecord, RestoreRecord } from './fault-types';
import type { SteadyStateCheck } from './steady-state-types';
import type { PathMeasurementSummary } from './measurement-types';
import type { SearchAttributesMissing } from './search-attributes-missing';

export type Verdict = 'held' | 'violated' | 'aborted' | 'not-run';

/** One fault of an experiment that repeats it (`repeat`). */
export interface FaultCycle {
  cycle: number;
  injection: InjectionRecord;
  restore?: RestoreRecord;
  /** When the steady state held again after this fault's restore, if it did in time. */
  recoveredAt?: string;
}

/** Everything the workflow gathered, handed to the report activity. */
export interface ExperimentOutcome {
  experimentId: string;
  definition: ExperimentDefinition;
  startedAt: string;
  endedAt: string;
  verdict: Verdict;
  verdictReason: string;
  /** Set when the experiment was aborted or cancelled. */
  abort?: { by: 'signal' | 'cancel' | 'stop-condition' | 'failure'; reason: string };
  /** The (first) fault's injection and restore. */
  injection?: InjectionRecord;
  restore?: RestoreRecord;
  /** Every fault, when the experiment repeats it. */
  cycles?: FaultCycle[];
  steadyStateBefore?: SteadyStateCheck;
  steadyStateAfter?: SteadyStateCheck;
  /** When the steady state held again after the restore, if it did. */
  recoveredAt?: string;
  /** Each path's measurement: its figures are in the file each one names (read by the report). */
  paths: PathMeasurementSummary[];
  /** Experiments with payments: the payment workload (its figures in its state file), and the audit. */
  payments?: { workload: PaymentWorkloadSummary; audit?: PaymentAudit };
  /** Experiments with `http.audit`: each HTTP target's audit of what it acknowledged. */
  httpAudits?: HttpAuditResult[];
  /** Each business path's audit of its writes against the writer. */
  writeAudits?: BusinessWriteAudit[];
  /** Business-write audits that could not run, and why. */
  writeAuditErrors?: string[];
  /** faultline's search attributes the Temporal server lacks: the experiment set none of them. */
  searchAttributesMissing?: SearchAttributesMissing;
}

export interface ReportFiles {
  json: string;
  html: string;
  console: string;
}

/** The workflow's result: small, so history stays small; the figures are in the report files. */
export interface ExperimentResult {
  experimentId: string;
  verdict: Verdict;
  verdictReason: string;
  report: ReportFiles;
  downtimeMs: Record<string, number>;
  summary: string;
  /** The search attributes the server lacked (names only; the report says more). */
  searchAttributesMissing?: string[];
}

/** Answer of the `status` query. */
export interface ExperimentStatus {
  experimentId: string;
  name: string;
  phase: ExperimentPhase;
  startedAt: string;
  elapsedMs: number;
  /**
   * Planned time left in the current phase, when it is timed. Like elapsedMs it is computed at the
   * workflow's last task (workflow time stands still between tasks); phaseEndsAt lets a client
   * compute both from its own clock.
   */
  phaseRemainingMs: number | null;
  phaseEndsAt: string | null;
  aborted: boolean;
  abortReason?: string;
  /** Latest live counters per path (from the workloads' progress signals). */
  workloads: WorkloadProgress[];
}
