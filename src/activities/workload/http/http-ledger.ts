/**
 * What the audited request's callers were told, one byte per request (bounded memory): its id is
 * `<segment prefix>-<n>`, so the code is all an audit needs. A segment is one attempt of the
 * activity (or one run of an experiment that continued as new); one whose worker was lost ends at
 * its last checkpoint.
 */
import { NEVER_SENT, type HttpOutcome } from './http-request';
import { ByteLedger, decodeRuns } from '../measurement/byte-ledger';

export const LEDGER_CODES = { served: 1, refused: 2, failed: 3, unknown: 4 } as const;

/** Past this many requests a segment audits no more (counted as unaudited). */
export const MAX_LEDGER_ENTRIES = 2_000_000;

export interface HttpLedgerSegment {
  prefix: string;
  /** Run-length encoded codes: [code, count] pairs. */
  runs: Array<[number, number]>;
  complete: boolean;
  /** Requests past the ledger's capacity (not audited). */
  unaudited?: number;
}

/** Answers a gateway gives without knowing whether the service behind it wrote: the outcome is unknown. */
const GATEWAY_STATUSES = ['502', '503', '504'];

/**
 * served; refused; failed: the service answered that it failed (a 4xx, a 500), or the request never
 * reached it (refused connection, never sent); unknown: no answer, a gateway's answer, or a served
 * status whose body was not the JSON asked for (the caller may have taken it as acknowledged).
 */
export function ledgerCode(outcome: HttpOutcome): number {
  if (outcome.kind === 'served') return LEDGER_CODES.served;
  if (outcome.kind === 'refused') return LEDGER_CODES.refused;
  if (outcome.kind === 'cut') return LEDGER_CODES.unknown;
  const { errorClass, code } = outcome.error;
  if (errorClass === 'http_status')
    return GATEWAY_STATUSES.includes(code ?? '') ? LEDGER_CODES.unknown : LEDGER_CODES.failed;
  return errorClass === 'connection_refused' || code === NEVER_SENT ? LEDGER_CODES.failed : LEDGER_CODES.unknown;
}

export class HttpLedger extends ByteLedger {
  constructor(readonly prefix: string) {
    super(MAX_LEDGER_ENTRIES);
  }

  record(seq: number, code: number): void {
    this.codes[seq] = code;
  }

  segment(complete: boolean): HttpLedgerSegment {
    return {
      prefix: this.prefix,
      runs: this.encode(),
      complete,
      ...(this.unaudited ? { unaudited: this.unaudited } : {}),
    };
  }
}

/** Each request of a segment with its code (0: still in flight when the segment was taken). */
export function* ledgerEntries(segment: HttpLedgerSegment): Generator<{ id: string; code: number }> {
  for (const { seq, code } of decodeRuns(segment.runs)) yield { id: `${segment.prefix}-${seq}`, code };
}
