/**
 * What the audited request's callers were told, one byte per request (bounded memory): its id is
 * `<segment prefix>-<n>`, so the code is all an audit needs. A segment is one attempt of the
 * activity (or one run of an experiment that continued as new); one whose worker was lost ends at
 * its last checkpoint.
 */
import type { HttpOutcome } from './http-request';

export const LEDGER_CODES = { served: 1, refused: 2, failed: 3, unknown: 4 } as const;

/** Past this many requests a segment audits no more (counted as unaudited). */
export const MAX_LEDGER_ENTRIES = 2_000_000;

export interface HttpLedgerSegment {
  prefix: string;
  /** Run-length encoded codes: [code, count] pairs. */
  runs: Array<[number, number]>;
  complete: boolean;
}

/** served, refused; a failure the caller got an answer for (or that never reached the service); or unknown. */
export function ledgerCode(outcome: HttpOutcome): number {
  if (outcome.kind === 'served') return LEDGER_CODES.served;
  if (outcome.kind === 'refused') return LEDGER_CODES.refused;
  if (outcome.kind === 'cut') return LEDGER_CODES.unknown;
  const definite = ['http_status', 'malformed', 'connection_refused'].includes(outcome.error.errorClass);
  return definite || outcome.error.message.includes('never sent') ? LEDGER_CODES.failed : LEDGER_CODES.unknown;
}

export class HttpLedger {
  private codes = new Uint8Array(1024);
  length = 0;
  unaudited = 0;

  constructor(readonly prefix: string) {}

  /** The next request's number, or undefined when the ledger is full. */
  next(): number | undefined {
    if (this.length >= MAX_LEDGER_ENTRIES) {
      this.unaudited++;
      return undefined;
    }
    if (this.length === this.codes.length) {
      const grown = new Uint8Array(Math.min(MAX_LEDGER_ENTRIES, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    return this.length++;
  }

  record(seq: number, code: number): void {
    this.codes[seq] = code;
  }

  segment(complete: boolean): HttpLedgerSegment {
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < this.length; i++) {
      const code = this.codes[i]!;
      const last = runs[runs.length - 1];
      if (last && last[0] === code) last[1]++;
      else runs.push([code, 1]);
    }
    return { prefix: this.prefix, runs, complete };
  }
}

/** Each request of a segment with its code (0: still in flight when the segment was taken). */
export function* ledgerEntries(segment: HttpLedgerSegment): Generator<{ id: string; code: number }> {
  let seq = 0;
  for (const [code, count] of segment.runs)
    for (let i = 0; i < count; i++) yield { id: `${segment.prefix}-${seq++}`, code };
}
