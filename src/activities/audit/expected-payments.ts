/**
 * What the audit expects to find: every payment a ledger says was acknowledged, with its amount,
 * whether it must be confirmed, and the restore of the fault it was acknowledged during. Pure.
 */
import { MEASURED_PHASES } from '../../shared/experiment-phases';
import type { WriteAnswer } from '../../shared/write-audit-types';
import {
  LEDGER_ANSWERS,
  LEDGER_CONFIRMED,
  LEDGER_CREATED,
  ledgerAnswerOf,
  ledgerAmountCents,
  ledgerOrderId,
  ledgerPhaseIndex,
  type PaymentChannel,
  type PaymentSegment,
} from '../../shared/payment-types';
import { decodeLedger } from '../workload/payments/payment-ledger';

export interface Expected {
  channel: PaymentChannel;
  cents: number;
  mustBeConfirmed: boolean;
  /** The restore of the fault it was acknowledged during, if it was. */
  outageRestoreAt: number | null;
}

/** A payment as the table holds it (grouped by order id: `copies` > 1 would be a duplicate). */
export interface Row {
  order_id: string;
  cents: number;
  status: string;
  confirmed_at: string | null;
  copies: number;
}

const OUTAGE_PHASES = new Set(['inject', 'fault'].map((p) => (MEASURED_PHASES as readonly string[]).indexOf(p)));

/** The cycle a payment's sequence number fell in (the last cycle start at or before it). */
function cycleOf(segment: PaymentSegment, channel: PaymentChannel, seq: number): number | undefined {
  let cycle: number | undefined;
  for (const start of segment.cycleStarts) if (start[channel] <= seq) cycle = start.cycle;
  return cycle;
}

export function expectedPayments(
  segments: PaymentSegment[],
  channels: PaymentChannel[],
  restores: Array<string | null>,
): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  for (const segment of segments) {
    for (const channel of channels) {
      for (const { seq, code } of decodeLedger(segment.ledger, channel)) {
        if (!(code & LEDGER_CREATED)) continue;
        const cycle = OUTAGE_PHASES.has(ledgerPhaseIndex(code)) ? cycleOf(segment, channel, seq) : undefined;
        const restore = cycle !== undefined ? restores[cycle - 1] : null;
        expected.set(ledgerOrderId(segment.prefix, channel, seq), {
          channel,
          cents: ledgerAmountCents(seq),
          // The workflow path always confirms; over HTTP, only a confirmation the caller was told of must show.
          mustBeConfirmed: channel === 'workflow' || (code & LEDGER_CONFIRMED) !== 0,
          outageRestoreAt: restore ? Date.parse(restore) : null,
        });
      }
    }
  }
  return expected;
}

const ANSWERS: Record<number, WriteAnswer> = {
  [LEDGER_ANSWERS.refused]: 'refused',
  [LEDGER_ANSWERS.failed]: 'failed',
  [LEDGER_ANSWERS.unknown]: 'unknown',
};

/** Each payment a ledger holds whose caller was not told it was created, with the answer it got. */
export function* unacknowledgedPayments(
  segments: PaymentSegment[],
  channels: PaymentChannel[],
): Generator<{ id: string; prefix: string; answer: WriteAnswer }> {
  for (const segment of segments) {
    for (const channel of channels) {
      for (const { seq, code } of decodeLedger(segment.ledger, channel)) {
        if (code & LEDGER_CREATED) continue;
        // Code 0: in flight when a lost worker's ledger was taken.
        const answer = ANSWERS[ledgerAnswerOf(code)] ?? 'unknown';
        yield { id: ledgerOrderId(segment.prefix, channel, seq), prefix: segment.prefix, answer };
      }
    }
  }
}
