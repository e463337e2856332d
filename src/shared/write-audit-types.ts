/**
 * The one vocabulary of every audit of acknowledged writes: the payment service's, an HTTP
 * service's (`http.audit`) and the business workload's. Each write a client made ended with one
 * answer to its caller (acknowledged, refused, failed, or unknown: no answer); after recovery the
 * table says whether it is there, and how many times. Pure.
 */

/** What the caller was told about one write. */
export type WriteAnswer = 'acknowledged' | 'refused' | 'failed' | 'unknown';

/** What an audit found, in the one vocabulary. */
export interface WriteAccount {
  /** Writes audited: every one a ledger holds an answer for, and those found past a lost ledger's end. */
  audited: number;
  /** The caller was told it was taken. */
  acknowledged: number;
  /** Acknowledged, and in the table. */
  found: number;
  /** Acknowledged, and not in the table: a violation. */
  lost: number;
  /** In the table more than once: a violation. */
  duplicated: number;
  /** The caller was told it was refused (for example a 503 with Retry-After). */
  refused: number;
  /** Refused, and in the table: written despite the refusal ("no partial write" broken), a violation. */
  writtenDespiteRefusal: number;
  /** The caller was told it failed (a 4xx or 500), or it never reached the service. */
  failed: number;
  /** Failed, and in the table: a violation. */
  writtenDespiteFailure: number;
  /** No answer (a timeout, a reset, a gateway's 502/504, a worker lost): the table resolves them, neither way a violation. */
  unknown: { count: number; written: number; absent: number };
  /** Writes past a ledger's capacity, not audited. */
  unaudited: number;
  /** Attempts whose worker was lost: their ledgers end at the last checkpoint. */
  incompleteSegments: number;
  /** Up to 20 ids of violations, to look into. */
  examples: string[];
}

export const emptyWriteAccount = (): WriteAccount => ({
  audited: 0,
  acknowledged: 0,
  found: 0,
  lost: 0,
  duplicated: 0,
  refused: 0,
  writtenDespiteRefusal: 0,
  failed: 0,
  writtenDespiteFailure: 0,
  unknown: { count: 0, written: 0, absent: 0 },
  unaudited: 0,
  incompleteSegments: 0,
  examples: [],
});

/** The violations an account holds, in the vocabulary's words ("3 lost"), none when it holds. */
export function writeViolations(a: WriteAccount): string[] {
  return [
    [a.lost, 'lost'],
    [a.duplicated, 'duplicated'],
    [a.writtenDespiteRefusal, 'written despite a refusal'],
    [a.writtenDespiteFailure, 'written despite a failure'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, term]) => `${n} ${term}`);
}
