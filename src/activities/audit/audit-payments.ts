/**
 * `auditPayments`: after recovery, every payment acknowledged to a caller must exist exactly once,
 * with the right amount and final status. The ledger of the payment workload says what was
 * acknowledged; the payments table says what survived. Payments still in flight (the workflow
 * path completes them after the outage) are waited for, up to a timeout, and the time the last of
 * them completed is recorded.
 */
import { heartbeat } from '@temporalio/activity';
import { sql } from 'kysely';
import { MEASURED_PHASES } from '../../shared/experiment-phases';
import {
  LEDGER_CONFIRMED,
  LEDGER_CREATED,
  ledgerAmountCents,
  ledgerOrderId,
  ledgerPhaseIndex,
  type PaymentAudit,
  type PaymentAuditChannel,
  type PaymentChannel,
  type PaymentLedger,
} from '../../shared/payment-types';
import { openDatabase } from '../schema/open-database';
import { decodeLedger } from '../workload/payment-ledger';

export interface AuditPaymentsInput {
  connection: string;
  orderIdPrefix: string;
  channels: PaymentChannel[];
  ledger: PaymentLedger;
  /** When the restore began: payments acknowledged during the fault and confirmed after it count as completed after the outage. */
  restoreRequestedAt: string | null;
  timeoutSeconds: number;
}

interface Expected {
  channel: PaymentChannel;
  cents: number;
  mustBeConfirmed: boolean;
  duringOutage: boolean;
}

interface Row {
  order_id: string;
  cents: number;
  status: string;
  confirmed_at: string | null;
  copies: number;
}

const OUTAGE_PHASES = new Set(['inject', 'fault'].map((p) => (MEASURED_PHASES as readonly string[]).indexOf(p)));
const POLL_MS = 1000;

export async function auditPayments(input: AuditPaymentsInput): Promise<PaymentAudit> {
  const expected = new Map<string, Expected>();
  for (const channel of input.channels) {
    for (const { seq, code } of decodeLedger(input.ledger, channel)) {
      if (!(code & LEDGER_CREATED)) continue;
      expected.set(ledgerOrderId(input.orderIdPrefix, channel, seq), {
        channel,
        cents: ledgerAmountCents(seq),
        // The workflow path always confirms; over HTTP, only a confirmation the caller was told of must show.
        mustBeConfirmed: channel === 'workflow' || (code & LEDGER_CONFIRMED) !== 0,
        duringOutage: OUTAGE_PHASES.has(ledgerPhaseIndex(code)),
      });
    }
  }

  const db = openDatabase(input.connection, { poolSize: 1, connectTimeoutMs: 5000, statementTimeoutMs: 60_000 });
  const read = async (): Promise<Map<string, Row>> => {
    // Counted per order id without relying on the unique index: a duplicate would show as copies > 1.
    const result = await sql<Row>`
      SELECT order_id, round(min(amount) * 100)::int AS cents, min(status) AS status,
             to_char(max(confirmed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS confirmed_at,
             count(*)::int AS copies
      FROM payments WHERE order_id LIKE ${`${input.orderIdPrefix}-%`} GROUP BY order_id`.execute(db);
    return new Map(result.rows.map((r) => [r.order_id, r]));
  };
  const pendingIn = (rows: Map<string, Row>) =>
    [...expected].filter(([id, e]) => e.mustBeConfirmed && e.channel === 'workflow' && rows.get(id)?.status !== 'confirmed').map(([id]) => id);

  const started = Date.now();
  try {
    let rows = await read();
    const pendingAtStart = pendingIn(rows);
    for (let pending = pendingAtStart.length; pending > 0 && Date.now() - started < input.timeoutSeconds * 1000; pending = pendingIn(rows).length) {
      heartbeat({ pending, waitedMs: Date.now() - started });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      rows = await read();
    }

    const restoreAt = input.restoreRequestedAt ? Date.parse(input.restoreRequestedAt) : null;
    const examples: string[] = [];
    const byChannel = new Map<PaymentChannel, PaymentAuditChannel>(
      input.channels.map((channel) => [channel, { channel, acknowledged: 0, found: 0, lost: 0, wrongAmount: 0, stillPending: 0, acceptedDuringOutageCompletedAfter: 0 }]),
    );
    for (const [id, e] of expected) {
      const c = byChannel.get(e.channel)!;
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
      if (e.duringOutage && row.confirmed_at && restoreAt !== null && Date.parse(row.confirmed_at) >= restoreAt) c.acceptedDuringOutageCompletedAfter++;
    }
    // Pending because of the outage: accepted during it, or still pending when the audit began.
    const wasPending = new Set([...pendingAtStart, ...[...expected].filter(([, e]) => e.duringOutage).map(([id]) => id)]);
    const completedTimes = [...wasPending].map((id) => rows.get(id)?.confirmed_at).filter((t): t is string => typeof t === 'string');
    const channels = [...byChannel.values()];
    const sum = (key: keyof Omit<PaymentAuditChannel, 'channel'>) => channels.reduce((total, c) => total + c[key], 0);
    const duplicated = [...rows.values()].filter((r) => r.copies > 1).length;
    const audit: PaymentAudit = {
      checkedAt: new Date().toISOString(),
      waitedMs: Date.now() - started,
      acknowledged: sum('acknowledged'),
      found: sum('found'),
      lost: sum('lost'),
      duplicated,
      wrongAmount: sum('wrongAmount'),
      stillPending: sum('stillPending'),
      acceptedDuringOutageCompletedAfter: sum('acceptedDuringOutageCompletedAfter'),
      storedButNotAcknowledged: [...rows.keys()].filter((id) => !expected.has(id)).length,
      lastPendingCompletedAt: completedTimes.length ? completedTimes.sort().at(-1)! : null,
      pendingAtStart: pendingAtStart.length,
      byChannel: channels,
      examples,
      holds: false,
    };
    audit.holds = audit.lost === 0 && audit.duplicated === 0 && audit.wrongAmount === 0 && audit.stillPending === 0;
    return audit;
  } finally {
    await db.destroy();
  }
}
