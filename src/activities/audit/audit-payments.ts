/**
 * `auditPayments`: after recovery, every payment acknowledged to a caller must exist exactly once,
 * with the right amount and final status. The payment workload's state (one ledger per segment: per
 * attempt, and per run of an experiment that continued as new) says what was acknowledged; the
 * payments table says what survived. Payments still in flight (the workflow path completes them after
 * the outage) are waited for, up to a timeout, and the time the last of them completed is recorded.
 *
 * A segment whose worker was lost has a ledger that ends at its last checkpoint: rows it issued after
 * that are counted as "acknowledgement unknown" (found, so not lost), never silently dropped.
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
  type PaymentSegment,
} from '../../shared/payment-types';
import { openDatabase } from '../schema/open-database';
import { decodeLedger } from '../workload/payment-ledger';
import { readPaymentState } from '../workload/run-payment-workload';

export interface AuditPaymentsInput {
  connection: string;
  /** The payment workload's final state (its ledgers). */
  stateFile: string;
  /** Each fault cycle's restore request: a payment acknowledged during a fault and confirmed after its restore completed after the outage. */
  restores: Array<string | null>;
  timeoutSeconds: number;
}

interface Expected {
  channel: PaymentChannel;
  cents: number;
  mustBeConfirmed: boolean;
  /** The restore of the fault it was acknowledged during, if it was. */
  outageRestoreAt: number | null;
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

/** The cycle a payment's sequence number fell in (the last cycle start at or before it). */
function cycleOf(segment: PaymentSegment, channel: PaymentChannel, seq: number): number | undefined {
  let cycle: number | undefined;
  for (const start of segment.cycleStarts) if (start[channel] <= seq) cycle = start.cycle;
  return cycle;
}

function expectedPayments(segments: PaymentSegment[], channels: PaymentChannel[], restores: Array<string | null>): Map<string, Expected> {
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

/** A row issued by a lost segment after its last checkpoint: its caller may have been told. */
function acknowledgementUnknown(orderId: string, segments: PaymentSegment[]): boolean {
  for (const s of segments) {
    if (s.complete || !orderId.startsWith(`${s.prefix}-`)) continue;
    const channel: PaymentChannel = orderId.charAt(s.prefix.length + 1) === 'h' ? 'http' : 'workflow';
    const seq = Number(orderId.slice(s.prefix.length + 2));
    const known = (s.ledger[channel] ?? []).reduce((n, [, count]) => n + count, 0);
    return seq >= known;
  }
  return false;
}

export async function auditPayments(input: AuditPaymentsInput): Promise<PaymentAudit> {
  const state = readPaymentState(input.stateFile);
  const expected = expectedPayments(state.segments, state.channels, input.restores);
  const runPrefix = state.segments[0]?.prefix.replace(/-s\d+$/, '') ?? 'none';
  const db = openDatabase(input.connection, { poolSize: 1, connectTimeoutMs: 5000, statementTimeoutMs: 60_000 });
  const read = async (): Promise<Map<string, Row>> => {
    // Counted per order id without relying on the unique index: a duplicate would show as copies > 1.
    const result = await sql<Row>`
      SELECT order_id, round(min(amount) * 100)::int AS cents, min(status) AS status,
             to_char(max(confirmed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS confirmed_at,
             count(*)::int AS copies
      FROM payments WHERE order_id LIKE ${`${runPrefix}-%`} GROUP BY order_id`.execute(db);
    return new Map(result.rows.map((r) => [r.order_id, r]));
  };
  const pendingIn = (rows: Map<string, Row>) => [...expected].filter(([id, e]) => e.mustBeConfirmed && e.channel === 'workflow' && rows.get(id)?.status !== 'confirmed').map(([id]) => id);

  const started = Date.now();
  try {
    let rows = await read();
    const pendingAtStart = pendingIn(rows);
    for (let pending = pendingAtStart.length; pending > 0 && Date.now() - started < input.timeoutSeconds * 1000; pending = pendingIn(rows).length) {
      heartbeat({ pending, waitedMs: Date.now() - started });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      rows = await read();
    }

    const examples: string[] = [];
    const byChannel = new Map<PaymentChannel, PaymentAuditChannel>(
      state.channels.map((channel) => [channel, { channel, acknowledged: 0, found: 0, lost: 0, wrongAmount: 0, stillPending: 0, acceptedDuringOutageCompletedAfter: 0 }]),
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
      if (e.outageRestoreAt !== null && row.confirmed_at && Date.parse(row.confirmed_at) >= e.outageRestoreAt) c.acceptedDuringOutageCompletedAfter++;
    }
    // Pending because of an outage: accepted during one, or still pending when the audit began.
    const wasPending = new Set([...pendingAtStart, ...[...expected].filter(([, e]) => e.outageRestoreAt !== null).map(([id]) => id)]);
    const completedTimes = [...wasPending].map((id) => rows.get(id)?.confirmed_at).filter((t): t is string => typeof t === 'string');
    const channels = [...byChannel.values()];
    const sum = (key: keyof Omit<PaymentAuditChannel, 'channel'>) => channels.reduce((total, c) => total + c[key], 0);
    const unlisted = [...rows.keys()].filter((id) => !expected.has(id));
    const unknown = unlisted.filter((id) => acknowledgementUnknown(id, state.segments)).length;
    const audit: PaymentAudit = {
      checkedAt: new Date().toISOString(),
      waitedMs: Date.now() - started,
      acknowledged: sum('acknowledged'),
      found: sum('found'),
      lost: sum('lost'),
      duplicated: [...rows.values()].filter((r) => r.copies > 1).length,
      wrongAmount: sum('wrongAmount'),
      stillPending: sum('stillPending'),
      acceptedDuringOutageCompletedAfter: sum('acceptedDuringOutageCompletedAfter'),
      storedButNotAcknowledged: unlisted.length - unknown,
      acknowledgementUnknown: unknown,
      incompleteSegments: state.segments.filter((s) => !s.complete).length,
      bySegment: state.segments.map((seg) => ({
        prefix: seg.prefix,
        complete: seg.complete,
        ledgerAt: seg.ledgerAt,
        acknowledged: [...expected.keys()].filter((id) => id.startsWith(`${seg.prefix}-`)).length,
        acknowledgementUnknown: unlisted.filter((id) => id.startsWith(`${seg.prefix}-`) && acknowledgementUnknown(id, [seg])).length,
      })),
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
