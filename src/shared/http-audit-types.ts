/** The audit of what an HTTP service acknowledged (`http.audit`). Pure types. */

export interface HttpAuditResult {
  target: string;
  request: string;
  connection: string;
  checkedAt: string;
  /** How long it waited for acknowledged writes to show (`settleSeconds`). */
  waitedMs: number;
  /** Requests the ledger holds (sent, whatever the answer). */
  audited: number;
  /** Served: the caller was told it was taken. */
  acknowledged: number;
  found: number;
  /** Acknowledged, and not in the table: a violation. */
  lost: number;
  /** Acknowledged, and in the table more than once: a violation. */
  duplicated: number;
  refused: number;
  /** Refused (e.g. 503), and in the table: written despite the refusal, the seed's "no partial write" broken. */
  writtenDespiteRefusal: number;
  failed: number;
  /** Failed with a definite answer (a 500, or never reached the service), and in the table. */
  writtenDespiteFailure: number;
  /** No answer (a timeout, a reset): the table resolves them, neither way a violation. */
  unknown: { count: number; written: number; absent: number };
  /** Requests past the ledger's capacity, not audited. */
  unaudited: number;
  /** Attempts whose worker was lost: their requests after the last checkpoint are not in the ledger. */
  incompleteSegments: number;
  /** Up to 20 request ids of violations, to look into. */
  examples: string[];
  holds: boolean;
}
