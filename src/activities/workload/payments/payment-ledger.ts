/**
 * What callers were told, one byte per payment (see PaymentLedger): order ids and amounts are
 * derived from the sequence number, so this is all the audit needs to know what must exist.
 */
import {
  LEDGER_CONFIRMED,
  LEDGER_CREATED,
  type PaymentLedger,
  type PaymentChannel,
} from '../../../shared/payment-types';

/** More than a day at 10 payments a second per channel; beyond it the workload stops issuing. */
export const MAX_LEDGER_ENTRIES = 1_000_000;

export class ChannelLedger {
  private codes = new Uint8Array(1024);
  length = 0;

  /** Reserves the next sequence number, or undefined when the ledger is full. */
  next(): number | undefined {
    if (this.length >= MAX_LEDGER_ENTRIES) return undefined;
    if (this.length === this.codes.length) {
      const grown = new Uint8Array(Math.min(MAX_LEDGER_ENTRIES, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    return this.length++;
  }

  created(seq: number, phaseIndex: number): void {
    this.codes[seq] = LEDGER_CREATED | (phaseIndex << 2);
  }

  confirmed(seq: number): void {
    if (this.codes[seq]! & LEDGER_CREATED) this.codes[seq]! |= LEDGER_CONFIRMED;
  }

  /** Run-length encoded: [code, count] pairs. */
  encode(): Array<[number, number]> {
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < this.length; i++) {
      const code = this.codes[i]!;
      const last = runs[runs.length - 1];
      if (last && last[0] === code) last[1]++;
      else runs.push([code, 1]);
    }
    return runs;
  }
}

/** Each sequence number of a channel with its code. */
export function* decodeLedger(
  ledger: PaymentLedger,
  channel: PaymentChannel,
): Generator<{ seq: number; code: number }> {
  let seq = 0;
  for (const [code, count] of ledger[channel] ?? []) {
    for (let i = 0; i < count; i++) yield { seq: seq++, code };
  }
}
