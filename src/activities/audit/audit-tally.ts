/** The audit's figures: what the ledgers expected against what the table holds. Pure. */
import type { PaymentAudit, PaymentAuditChannel, PaymentChannel, PaymentSegment } from '../../shared/payment-types';
import { acknowledgementUnknown, type Expected, type Row } from './expected-payments';

export interface TallyInput {
  expected: Map<string, Expected>;
  rows: Map<string, Row>;
  segments: PaymentSegment[];
  channels: PaymentChannel[];
  /** Payments still pending when the audit began (it waited for them). */
  pendingAtStart: string[];
  waitedMs: number;
}

function byChannel({ expected, rows, channels }: TallyInput, examples: string[]): PaymentAuditChannel[] {
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
    if (!row) {
      c.lost++;
      if (examples.length < 20) examples.push(`${id}: lost`);
      continue;
    }
    c.found++;
    if (row.cents !== e.cents) {
      c.wrongAmount++;
      if (examples.length < 20) examples.push(`${id}: amount ${row.cents / 100}, acknowledged ${e.cents / 100}`);
    }
    if (e.mustBeConfirmed && row.status !== 'confirmed') c.stillPending++;
    if (e.outageRestoreAt !== null && row.confirmed_at && Date.parse(row.confirmed_at) >= e.outageRestoreAt)
      c.acceptedDuringOutageCompletedAfter++;
  }
  return [...tally.values()];
}

export function tallyAudit(input: TallyInput): PaymentAudit {
  const { expected, rows, segments, pendingAtStart } = input;
  const examples: string[] = [];
  const channels = byChannel(input, examples);
  // Pending because of an outage: accepted during one, or still pending when the audit began.
  const wasPending = new Set([
    ...pendingAtStart,
    ...[...expected].filter(([, e]) => e.outageRestoreAt !== null).map(([id]) => id),
  ]);
  const completedTimes = [...wasPending]
    .map((id) => rows.get(id)?.confirmed_at)
    .filter((t): t is string => typeof t === 'string');
  const sum = (key: keyof Omit<PaymentAuditChannel, 'channel'>) => channels.reduce((total, c) => total + c[key], 0);
  const unlisted = [...rows.keys()].filter((id) => !expected.has(id));
  const unknown = unlisted.filter((id) => acknowledgementUnknown(id, segments)).length;
  const audit: PaymentAudit = {
    checkedAt: new Date().toISOString(),
    waitedMs: input.waitedMs,
    acknowledged: sum('acknowledged'),
    found: sum('found'),
    lost: sum('lost'),
    duplicated: [...rows.values()].filter((r) => r.copies > 1).length,
    wrongAmount: sum('wrongAmount'),
    stillPending: sum('stillPending'),
    acceptedDuringOutageCompletedAfter: sum('acceptedDuringOutageCompletedAfter'),
    storedButNotAcknowledged: unlisted.length - unknown,
    acknowledgementUnknown: unknown,
    incompleteSegments: segments.filter((s) => !s.complete).length,
    bySegment: segments.map((seg) => ({
      prefix: seg.prefix,
      complete: seg.complete,
      ledgerAt: seg.ledgerAt,
      acknowledged: [...expected.keys()].filter((id) => id.startsWith(`${seg.prefix}-`)).length,
      acknowledgementUnknown: unlisted.filter(
        (id) => id.startsWith(`${seg.prefix}-`) && acknowledgementUnknown(id, [seg]),
      ).length,
    })),
    lastPendingCompletedAt: completedTimes.length ? completedTimes.sort().at(-1)! : null,
    pendingAtStart: pendingAtStart.length,
    byChannel: channels,
    examples,
    holds: false,
  };
  audit.holds = audit.lost === 0 && audit.duplicated === 0 && audit.wrongAmount === 0 && audit.stillPending === 0;
  return audit;
}
