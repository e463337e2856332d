/** What the workflow keeps of a path's measurement. Pure types. */
import type { ClientInUse, MeasurementGap, WorkloadResult } from './workload-types';

/** What the workflow keeps of a path: enough for the verdict and the search attributes. */
export interface PathMeasurementSummary {
  connection: string;
  /** The final checkpoint, from which the report reads every figure. */
  checkpointFile: string;
  attempts: number;
  failures: number;
  downtimeMs: number;
  openAtEnd: boolean;
  openSince: string | null;
  gaps: MeasurementGap[];
  stoppedBy: WorkloadResult['stoppedBy'];
  /** How this activity's workers reached the database (absent from summaries recorded before it was). */
  measuredWith?: ClientInUse;
  /** A shard's own summary: which shard, on which worker (`pid@host`, the worker's Temporal identity). */
  shard?: { index: number; count: number; worker: string };
  /** An HTTP path with `http.audit`: the audited request's ledger (what each caller was told). */
  ledgerFile?: string;
  /** A business path: the index of its audited writes' ledgers (every run and attempt). */
  writeLedgerFile?: string;
  /** A path measured in shards: each shard's summary; the figures above are their merge. */
  shards?: PathMeasurementSummary[];
}
