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
import type { PaymentAudit } from '../../shared/payment-types';
import { openDatabase } from '../../platform/database/open-database';
import { readPaymentState } from '../workload/payments/payment-state';
import { tallyAudit } from './audit-tally';
import { expectedPayments, type Row } from './expected-payments';

const POLL_MS = 1000;

export interface AuditPaymentsInput {
  connection: string;
  /** The payment workload's final state (its ledgers). */
  stateFile: string;
  /** Each fault cycle's restore request: a payment acknowledged during a fault and confirmed after its restore completed after the outage. */
  restores: Array<string | null>;
  timeoutSeconds: number;
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
  const pendingIn = (rows: Map<string, Row>) =>
    [...expected]
      .filter(([id, e]) => e.mustBeConfirmed && e.channel === 'workflow' && rows.get(id)?.status !== 'confirmed')
      .map(([id]) => id);

  const started = Date.now();
  try {
    let rows = await read();
    const pendingAtStart = pendingIn(rows);
    for (
      let pending = pendingAtStart.length;
      pending > 0 && Date.now() - started < input.timeoutSeconds * 1000;
      pending = pendingIn(rows).length
    ) {
      heartbeat({ pending, waitedMs: Date.now() - started });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      rows = await read();
    }

    return tallyAudit({
      expected,
      rows,
      segments: state.segments,
      channels: state.channels,
      pendingAtStart,
      waitedMs: Date.now() - started,
    });
  } finally {
    await db.destroy();
  }
}
