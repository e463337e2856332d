/**
 * What callers were told, one byte per payment (see PaymentLedger): order ids and amounts are
 * derived from the sequence number, so this is all the audit needs to know what must exist.
 */
import {
  LEDGER_ANSWERS,
  LEDGER_CONFIRMED,
  LEDGER_CREATED,
  type PaymentLedger,
  type PaymentChannel,
} from '../../../shared/payment-types';
import { ByteLedger, decodeRuns } from '../measurement/byte-ledger';

/** More than a day at 10 payments a second per channel; beyond it the workload stops issuing. */
export const MAX_LEDGER_ENTRIES = 1_000_000;

export class ChannelLedger extends ByteLedger {
  constructor() {
    super(MAX_LEDGER_ENTRIES);
  }

  created(seq: number, phaseIndex: number): void {
    this.codes[seq] = LEDGER_CREATED | (phaseIndex << 2);
  }

  /** A create its caller was not told was taken: refused (503), failed, or no answer. */
  notCreated(seq: number, phaseIndex: number, answer: keyof typeof LEDGER_ANSWERS): void {
    this.codes[seq] = (LEDGER_ANSWERS[answer] << 6) | (phaseIndex << 2);
  }

  confirmed(seq: number): void {
    if (this.codes[seq]! & LEDGER_CREATED) this.codes[seq]! |= LEDGER_CONFIRMED;
  }
}

/** Each sequence number of a channel with its code. */
export function decodeLedger(ledger: PaymentLedger, channel: PaymentChannel): Generator<{ seq: number; code: number }> {
  return decodeRuns(ledger[channel] ?? []);
}
