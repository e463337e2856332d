/**
 * The identities the business workload's audited writes carry, made by the client and kept by the
 * table: `<segment prefix>-<n>`, written into the order number (`ORD-<id>`) or into the log's
 * `details` (`workload activity <id>`; a purchase's log names its order, `order ORD-<id>: ...`),
 * so the seed's tables and statements keep their shape. A segment is one attempt of one path's (or
 * shard's) measurement in one run of an experiment. Pure.
 */
import { createHash } from 'node:crypto';

const short = (text: string, n: number) => createHash('sha256').update(text).digest('hex').slice(0, n);

/**
 * `fl-<12: experiment>-<8: run>p<4: path>[s<shard>]a<attempt>`: unique across an experiment's runs,
 * paths, shards and attempts, and short enough for `order_number VARCHAR(50)` with `ORD-` and `-<n>`.
 */
export function writeSegmentPrefix(p: {
  workflowId: string;
  runId: string;
  connection: string;
  shard?: number;
  attempt: number;
}): string {
  const shard = p.shard === undefined ? '' : `s${p.shard}`;
  return `fl-${short(p.workflowId, 12)}-${short(p.runId, 8)}p${short(p.connection, 4)}${shard}a${p.attempt}`;
}

/** A write's identity: its segment's prefix and its number. */
export const writeIdOf = (prefix: string, seq: number): string => `${prefix}-${seq}`;

export const orderNumberOf = (id: string): string => `ORD-${id}`;
export const logDetailsOf = (id: string): string => `workload activity ${id}`;

/** What a row of the table tells of the write it came from: its segment, number, and which of its rows. */
export interface WrittenRow {
  prefix: string;
  seq: number;
  /** An order (pending or confirmed) or a log (an activity's or a purchase's). */
  row: 'order' | 'log';
}

const ID = /^(fl-[0-9a-f]{12}-[0-9a-z]+)-(\d+)$/;
const LOG_ID = /^(?:workload activity |order ORD-)(fl-[0-9a-f]{12}-[0-9a-z]+)-(\d+)(?::|$)/;

/** A write's identity taken apart (writeIdOf's inverse). */
export function splitWriteId(id: string): { prefix: string; seq: number } | undefined {
  const m = ID.exec(id);
  return m ? { prefix: m[1]!, seq: Number(m[2]) } : undefined;
}

export function orderRow(orderNumber: string): WrittenRow | undefined {
  const id = orderNumber.startsWith('ORD-') ? splitWriteId(orderNumber.slice(4)) : undefined;
  return id ? { ...id, row: 'order' } : undefined;
}

export function logRow(details: string): WrittenRow | undefined {
  const m = LOG_ID.exec(details);
  return m ? { prefix: m[1]!, seq: Number(m[2]), row: 'log' } : undefined;
}

/** LIKE patterns that find a segment's rows (its prefix holds neither `_` nor `%`). */
export const orderPatterns = (prefix: string): string[] => [`ORD-${prefix}-%`];
export const logPatterns = (prefix: string): string[] => [`workload activity ${prefix}-%`, `order ORD-${prefix}-%`];
