/**
 * What the business tables hold of one path's audited writes: every order and log whose identity
 * names one of its segments (write-ids.ts), read in pages by id, counted per write (one byte per
 * write and table: bounded however long the run). Rows of a write past a lost attempt's ledger (sent
 * after its last checkpoint) are kept apart, up to a bound.
 */
import { sql, type Kysely } from 'kysely';
import type { BusinessDatabase } from '../../platform/database/business-database';
import { logPatterns, logRow, orderPatterns, orderRow, type WrittenRow } from '../workload/writes/write-ids';
import type { WriteSegmentRef } from '../workload/writes/write-ledger';

const PAGE = 5000;
const MAX_BEYOND = 100_000;

/** One segment's rows: per write number, how many orders and logs carry its identity. */
export interface SegmentRows {
  orders: Uint8Array;
  logs: Uint8Array;
  /** Writes past the ledger's end that the table shows, by number. */
  beyond: Map<number, { orders: number; logs: number }>;
}

const bump = (counts: Uint8Array, seq: number) => {
  counts[seq] = Math.min(255, counts[seq]! + 1);
};

async function scan(
  db: Kysely<BusinessDatabase>,
  table: 'business_orders' | 'business_logs',
  patterns: string[],
  onRow: (text: string) => void,
): Promise<void> {
  const column = table === 'business_orders' ? sql.ref('order_number') : sql.ref('details');
  for (let after = 0; ;) {
    const page = await sql<{ id: number; text: string }>`
      SELECT id, ${column} AS text FROM ${sql.table(table)}
      WHERE ${column} LIKE ANY(${patterns}::text[]) AND id > ${after} ORDER BY id LIMIT ${PAGE}`.execute(db);
    for (const row of page.rows) onRow(row.text);
    if (page.rows.length < PAGE) return;
    after = page.rows[page.rows.length - 1]!.id;
  }
}

export async function segmentRows(
  db: Kysely<BusinessDatabase>,
  segments: WriteSegmentRef[],
): Promise<Map<string, SegmentRows>> {
  const bySegment = new Map(
    segments.map((s) => [
      s.prefix,
      { orders: new Uint8Array(s.length), logs: new Uint8Array(s.length), beyond: new Map() } as SegmentRows,
    ]),
  );
  const file = (found: WrittenRow | undefined) => {
    const rows = found && bySegment.get(found.prefix);
    if (!found || !rows) return;
    if (found.seq < rows.orders.length) return bump(found.row === 'order' ? rows.orders : rows.logs, found.seq);
    const past = rows.beyond.get(found.seq) ?? { orders: 0, logs: 0 };
    if (found.row === 'order') past.orders++;
    else past.logs++;
    if (rows.beyond.size < MAX_BEYOND || rows.beyond.has(found.seq)) rows.beyond.set(found.seq, past);
  };
  const prefixes = segments.map((s) => s.prefix);
  await scan(db, 'business_orders', prefixes.flatMap(orderPatterns), (t) => file(orderRow(t)));
  await scan(db, 'business_logs', prefixes.flatMap(logPatterns), (t) => file(logRow(t)));
  return bySegment;
}
