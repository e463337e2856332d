/** The audit of what an HTTP service acknowledged (`http.audit`), in the audits' one vocabulary. Pure types. */
import type { WriteAccount } from './write-audit-types';

export interface HttpAuditResult extends WriteAccount {
  target: string;
  request: string;
  connection: string;
  checkedAt: string;
  /** How long it took, waiting for acknowledged writes to show (`settleSeconds`) included. */
  waitedMs: number;
  holds: boolean;
}
