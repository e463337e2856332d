/** The report's data model: one experiment report, and each path's part of it. Pure. */
import type { ExperimentOutcome } from '../../shared/experiment-types';
import type { PaymentAudit, PaymentWorkloadResult } from '../../shared/payment-types';
import type { WorkloadMix } from '../../shared/workload-mix';
import type { WorkloadClient } from '../../shared/workload-settings';
import type {
  ClientInUse,
  HeldSummary,
  MeasurementGap,
  WorkloadResult,
  WorkloadStats,
} from '../../shared/workload-types';
import type { HttpLoadFigures } from '../../shared/http-workload-types';
import type { HttpAuditResult } from '../../shared/http-audit-types';
import type { BusinessWriteAudit } from '../../shared/business-write-audit-types';
import type { Comparison } from './comparison-types';
import type { CycleReport, PathCycle } from './fault-cycles';
import type { StaleWriterWindow } from './stale-writer';
import type { PathFailoverStages } from './failover-stages';
import type { WriterChangeReport } from './writer-change';

export const REPORT_SCHEMA_VERSION = 1;

/** The client that measured a path: what an outage looks like to it (issue 24). */
export interface MeasuringClient {
  /**
   * As the measurements recorded it (each shard's, in `shards`); `mixed` when shards differed; the
   * definition's when none recorded one (measured by a faultline that did not record it).
   */
  client: WorkloadClient | 'mixed';
  /** The path's totals, before any shard split. */
  concurrentWorkers: number;
  poolSize: number;
  connectTimeoutMs: number;
  tcpConnectTimeoutMs: number;
  statementTimeoutMs: number;
  stallThresholdMs: number;
  /** What the client does when a connection breaks. */
  reconnect: string;
  /** How the custom reads ran (custom-reads.ts); absent without any. */
  customReads?: string;
}

export interface PathReport {
  path: string;
  /** A database path's client; absent on an HTTP path (`http`). */
  measuringClient?: MeasuringClient;
  /** An HTTP path (`http.targets`): its target and its load. */
  http?: HttpLoadFigures;
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
  /** Measured in shards (`workload.shards`): each one's worker and own figures; the above are their merge. */
  shards?: ShardReport[];
}

export interface ShardReport {
  index: number;
  /** The worker that ran it: its Temporal identity, `pid@host`. */
  worker: string;
  attempts: number;
  failures: number;
  downtimeMs: number;
  /** Time this shard measured nothing (a lost worker) while the others may have: the path's gaps are the times none did. */
  gapMs: number;
  /** How its workers reached the database, as the shard recorded it (absent when it did not). */
  measuredWith?: ClientInUse;
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
  /** The workload as it ran: the custom operations with their weights, or the business mix (not both). */
  workload: WorkloadMix;
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
  /** Patroni faults: the writer change (old -> new leader, timelines) and each path's first write after it. */
  writerChange?: WriterChangeReport;
  /** After a writer change: per path, the span of read-only errors (25006) met on the demoted writer. */
  staleWriter?: StaleWriterWindow[];
  /** A writer change's stages on each path it reached (failover-stages.ts). */
  failoverStages?: PathFailoverStages[];
  steadyState: { before?: ExperimentOutcome['steadyStateBefore']; after?: ExperimentOutcome['steadyStateAfter'] };
  paths: PathReport[];
  /** Present when more than one path ran: proxy against direct, as in seed 001. */
  comparison?: Comparison;
  /** Experiments with payments (seed 000): the payment workload's figures per phase and channel, and the audit. */
  payments?: { workload: PaymentWorkloadResult; audit?: PaymentAudit };
  httpAudits?: HttpAuditResult[];
  /** Each business path's audit of its writes against the writer, and those that could not run. */
  writeAudits?: BusinessWriteAudit[];
  writeAuditErrors?: string[];
  /** faultline's search attributes the Temporal server lacked: the experiment set none of them. */
  searchAttributesMissing?: ExperimentOutcome['searchAttributesMissing'];
}
