/** The audit of the business workload's writes, per path, in the audits' one vocabulary. Pure types. */
import type { WriteAccount } from './write-audit-types';

/** The kinds of audited write: the pending order, the activity log, the purchase (order, stock, log). */
export const WRITE_KINDS = ['create_order', 'insert_log', 'purchase'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

export interface BusinessWriteAudit extends WriteAccount {
  /** The measured path whose writes these are. */
  path: string;
  /** The connection the table was read through. */
  connection: string;
  /** The server read: the writer (`pg_is_in_recovery()` false), as `address:port`. */
  writer: string;
  checkedAt: string;
  waitedMs: number;
  /** Purchases whose confirmed order and purchase log are not both there or both absent (all or nothing broken). */
  partialPurchases: number;
  /**
   * The recovery point in time: when the lost writes were made, from the first one's earliest
   * possible start to the last one's latest (the ledger's marks: to half a second). Absent when none was lost.
   */
  lostSpan?: { from: string; to: string };
  /** Each kind's acknowledged writes and writes without an answer. */
  kinds: Record<WriteKind, { acknowledged: number; unknown: number }>;
  holds: boolean;
}
