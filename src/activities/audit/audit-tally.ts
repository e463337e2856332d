/**
 * The payment audit's figures: what the ledgers say each caller was told against what the table
 * holds, filed by the WriteAccountant in the audits' one vocabulary, and the payment service's own
 * checks beside it (amounts, confirmations, payments completed after the outage). Pure.
 */
import type { PaymentAudit, PaymentAuditChannel, PaymentChannel, PaymentSegment } from '../../shared/payment-types';
import { writeViolations } from '../../shared/write-audit-types';
import { unacknowledgedPayments, type Expected, type Row } from './expected-payments';
import { WriteAccountant } from './write-accountant';

export interface TallyInput {
  expected: Map<string, Expected>;
  rows: Map<string, Row>;
  segments: PaymentSegment[];
  channels: PaymentChannel[];
  /** Payments still pending when the audit began (it waited for them). */
  pendingAtStart: string[];
  waitedMs: number;
}

function byChannel({ expected, rows, channels }: TallyInput, accountant: WriteAccountant): PaymentAuditChannel[] {
  const tally = new Map<PaymentChannel, PaymentAuditChannel>(
    channels.map((channel) => [
      channel,
      {
        channel,
        acknowledged: 0,
        found: 0,
        lost: 0,
        wrongAmount: 0,
        stillPending: 0,
        acceptedDuringOutageCompletedAfter: 0,
      },
    ]),
  );
  for (const [id, e] of expected) {
    const c = tally.get(e.channel)!;
    c.acknowledged++;
    const row = rows.get(id);
    accountant.file(id, 'acknowledged', row?.copies ?? 0);
    if (!row) {
      c.lost++;
      continue;
    }
    c.found++;
    if (row.cents !== e.cents) {
      c.wrongAmount++;
      accountant.note(id, `amount ${row.cents / 100}, acknowledged ${e.cents / 100}`);
    }
    if (e.mustBeConfirmed && row.status !== 'confirmed') c.stillPending++;
    if (e.outageRestoreAt !== null && row.confirmed_at && Date.parse(row.confirmed_at) >= e.outageRestoreAt)
      c.acceptedDuringOutageCompletedAfter++;
  }
  return [...tally.values()];
}

/**
 * Files the payments whose callers were not told "created", then the rows no ledger accounts for:
 * issued by a lost worker after its last checkpoint, their answer unknown. Per segment prefix, the
 * unknown ones found in the table.
 */
function fileUnacknowledged({ expected, rows, segments, channels }: TallyInput, accountant: WriteAccountant) {
  const unknownWritten = new Map<string, number>();
  const filed = new Set<string>();
  const unknown = (prefix: string) => unknownWritten.set(prefix, (unknownWritten.get(prefix) ?? 0) + 1);
  for (const { id, prefix, answer } of unacknowledgedPayments(segments, channels)) {
    const copies = rows.get(id)?.copies ?? 0;
    accountant.file(id, answer, copies);
    if (copies > 0) filed.add(id);
    if (copies > 0 && answer === 'unknown') unknown(prefix);
  }
  for (const [id, row] of rows) {
    if (expected.has(id) || filed.has(id)) continue;
    accountant.file(id, 'unknown', row.copies);
    const segment = segments.find((s) => id.startsWith(`${s.prefix}-`));
    if (segment) unknown(segment.prefix);
  }
  return unknownWritten;
}

export function tallyAudit(input: TallyInput): PaymentAudit {
  const { expected, rows, segments, pendingAtStart } = input;
  const accountant = new WriteAccountant({ incompleteSegments: segments.filter((s) => !s.complete).length });
  const channels = byChannel(input, accountant);
  const unknownWritten = fileUnacknowledged(input, accountant);
  // Pending because of an outage: accepted during one, or still pending when the audit began.
  const wasPending = new Set([
    ...pendingAtStart,
    ...[...expected].filter(([, e]) => e.outageRestoreAt !== null).map(([id]) => id),
  ]);
  const completedTimes = [...wasPending]
    .map((id) => rows.get(id)?.confirmed_at)
    .filter((t): t is string => typeof t === 'string');
  const sum = (key: keyof Omit<PaymentAuditChannel, 'channel'>) => channels.reduce((total, c) => total + c[key], 0);
  const account = accountant.account();
  const audit: PaymentAudit = {
    checkedAt: new Date().toISOString(),
    waitedMs: input.waitedMs,
    ...account,
    wrongAmount: sum('wrongAmount'),
    stillPending: sum('stillPending'),
    acceptedDuringOutageCompletedAfter: sum('acceptedDuringOutageCompletedAfter'),
    bySegment: segments.map((seg) => ({
      prefix: seg.prefix,
      complete: seg.complete,
      ledgerAt: seg.ledgerAt,
      acknowledged: [...expected.keys()].filter((id) => id.startsWith(`${seg.prefix}-`)).length,
      unknownWritten: unknownWritten.get(seg.prefix) ?? 0,
    })),
    lastPendingCompletedAt: completedTimes.length ? completedTimes.sort().at(-1)! : null,
    pendingAtStart: pendingAtStart.length,
    byChannel: channels,
    holds: false,
  };
  audit.holds = writeViolations(audit).length === 0 && audit.wrongAmount === 0 && audit.stillPending === 0;
  return audit;
}
