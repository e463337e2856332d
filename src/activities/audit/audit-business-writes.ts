/**
 * `auditBusinessWrites`: after recovery, every audited write of one path (orders, logs, purchases:
 * write-ids.ts) against what the writer holds. Its ledgers (every run, attempt and shard) say what
 * each caller was told; the tables, read on a server that is not in recovery (the Patroni leader,
 * the RDS writer), say what survived, so a lagging replica is never taken for a loss. The purchase
 * is all or nothing: its confirmed order and its purchase log are both there or both absent (stock
 * also moves by adjust_stock and is clamped at 0, so the decrement has no row of its own to check).
 */
import { readFileSync } from 'node:fs';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { BusinessWriteAudit } from '../../shared/business-write-audit-types';
import { writeViolations } from '../../shared/write-audit-types';
import type { BusinessDatabase } from '../../platform/database/business-database';
import { openDatabase } from '../../platform/database/open-database';
import { decodeWrite, MAX_WRITES, type WriteSegmentRef } from '../workload/writes/write-ledger';
import { readWriteIndex } from '../workload/writes/write-ledger-index';
import { splitWriteId, writeIdOf } from '../workload/writes/write-ids';
import { WRITE_KINDS, type WriteKind } from '../../shared/business-write-audit-types';
import { WriteAccountant } from './write-accountant';
import { segmentRows, type SegmentRows } from './business-write-rows';
import { WriteTimes } from '../workload/writes/write-marks';

export interface AuditBusinessWritesInput {
  path: string;
  /** Read through this connection (`workload.writeAudit.connection`, by default the path's own). */
  connection: string;
  /** The ledger indexes of the path's measurement (one per shard). */
  indexFiles: string[];
  /** How long to wait for the connection to reach the writer (a failover still settling). */
  writerTimeoutSeconds: number;
}

const HEARTBEAT_MS = 5000;

/**
 * The server's address once it is out of recovery, waiting for it (a failover settling; a connection
 * refused meanwhile); past the timeout, a non-retryable failure. `anyServer`: no write could be in
 * the table but a failed one, so a replica will do (it never holds what the writer lacks).
 */
async function writerOf(
  db: Kysely<BusinessDatabase>,
  connection: string,
  timeoutMs: number,
  anyServer: boolean,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (let last = 'no answer'; ; await new Promise((resolve) => setTimeout(resolve, 1000))) {
    try {
      const { rows } = await sql<{ recovery: boolean; address: string | null; port: number | null }>`
        SELECT pg_is_in_recovery() AS recovery, host(inet_server_addr()) AS address, inet_server_port() AS port`.execute(
        db,
      );
      const r = rows[0]!;
      const address = `${r.address ?? 'local socket'}:${r.port ?? ''}`;
      if (!r.recovery) return address;
      if (anyServer) return `${address} (a replica: every write failed, none could be lost)`;
      last = `${connection} reaches a server in recovery (a replica), not the writer: the audit reads on the writer (workload.writeAudit.connection)`;
    } catch (err) {
      last = `${connection}: ${(err as Error).message}`;
    }
    if (Date.now() > deadline)
      throw ApplicationFailure.nonRetryable(`${last} (for ${Math.round(timeoutMs / 1000)} s)`, 'AuditNoWriter');
  }
}

/** Whether any write of these segments may be in the table as something other than a failure. */
const anyMayHaveCommitted = (segments: Array<{ codes: Uint8Array }>) =>
  segments.some(({ codes }) =>
    codes.some((code) => {
      const { answer } = decodeWrite(code);
      return answer === 'acknowledged' || answer === 'unknown';
    }),
  );

/**
 * A segment's ledger as its file holds it: a lost attempt's may run past the length its last
 * heartbeat gave (the SDK sends heartbeats seconds apart; the file is brought up to date every 500 ms).
 */
function codesOf(s: WriteSegmentRef): Uint8Array {
  const bytes = readFileSync(s.file);
  return bytes.subarray(0, s.complete ? s.length : Math.min(bytes.length, MAX_WRITES));
}

/** A write's rows: its order's, its log's, or a purchase's order (both: all or nothing, checked apart). */
function rowsOfKind(kind: WriteKind | undefined, rows: { orders: number; logs: number }): number {
  if (kind === 'insert_log') return rows.logs;
  if (kind === 'create_order' || kind === 'purchase') return rows.orders;
  return Math.max(rows.orders, rows.logs);
}

function fileSegment(
  { ref: s, codes }: Ledger,
  rows: SegmentRows,
  accountant: WriteAccountant,
  tally: Pick<BusinessWriteAudit, 'partialPurchases' | 'kinds'>,
): void {
  for (let seq = 0; seq < codes.length; seq++) {
    const { kind, answer } = decodeWrite(codes[seq]!);
    const found = { orders: rows.orders[seq]!, logs: rows.logs[seq]! };
    const id = writeIdOf(s.prefix, seq);
    if (kind === 'purchase' && found.orders > 0 !== found.logs > 0) {
      tally.partialPurchases++;
      accountant.note(
        id,
        `purchase ${found.orders ? 'order without its log' : 'log without its order'} (not all or nothing)`,
      );
    }
    if (kind && (answer === 'acknowledged' || answer === 'unknown')) tally.kinds[kind][answer]++;
    accountant.file(id, answer, rowsOfKind(kind, found));
  }
  for (const [seq, found] of rows.beyond)
    accountant.file(writeIdOf(s.prefix, seq), 'unknown', rowsOfKind(undefined, found));
}

/** When the lost writes were made: from the earliest bound of any to the latest (their segments' marks). */
function lostSpan(segments: WriteSegmentRef[], lost: readonly string[]): BusinessWriteAudit['lostSpan'] {
  const times = new Map(segments.map((s) => [s.prefix, WriteTimes.read(s.marks)]));
  let from = Infinity;
  let to = -Infinity;
  for (const lostId of lost) {
    const id = splitWriteId(lostId);
    const at = id && times.get(id.prefix)?.of(id.seq);
    if (!at) continue;
    from = Math.min(from, at.after ?? at.by ?? Infinity);
    to = Math.max(to, at.by ?? at.after ?? -Infinity);
  }
  return from <= to ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() } : undefined;
}

/** A segment and its ledger's bytes; its length is what the file holds (see codesOf). */
interface Ledger {
  ref: WriteSegmentRef;
  codes: Uint8Array;
}

/** Every segment of the path once (by prefix: the longest ledger of it), with its bytes. */
function ledgersOf(indexFiles: string[]): Ledger[] {
  const byPrefix = new Map<string, Ledger>();
  for (const ref of indexFiles.flatMap(readWriteIndex)) {
    const codes = codesOf(ref);
    const seen = byPrefix.get(ref.prefix);
    if (!seen || seen.codes.length < codes.length)
      byPrefix.set(ref.prefix, { ref: { ...ref, length: codes.length }, codes });
  }
  return [...byPrefix.values()];
}

export async function auditBusinessWrites(input: AuditBusinessWritesInput): Promise<BusinessWriteAudit> {
  const ledgers = ledgersOf(input.indexFiles);
  const segments = ledgers.map((l) => l.ref);
  const db = openDatabase(input.connection, { poolSize: 1, connectTimeoutMs: 5000, statementTimeoutMs: 120_000 });
  const accountant = new WriteAccountant({
    unaudited: segments.reduce((n, s) => n + (s.unaudited ?? 0), 0),
    incompleteSegments: segments.filter((s) => !s.complete).length,
  });
  const tally = {
    partialPurchases: 0,
    kinds: Object.fromEntries(
      WRITE_KINDS.map((k) => [k, { acknowledged: 0, unknown: 0 }]),
    ) as BusinessWriteAudit['kinds'],
  };
  const started = Date.now();
  const beat = setInterval(() => heartbeat({ audited: accountant.audited }), HEARTBEAT_MS);
  try {
    const timeoutMs = input.writerTimeoutSeconds * 1000;
    const writer = await writerOf(db, input.connection, timeoutMs, !anyMayHaveCommitted(ledgers));
    // Read on the writer after recovery: an acknowledged commit is there, or it is lost (no second look).
    const rows = await segmentRows(db, segments);
    for (const ledger of ledgers) fileSegment(ledger, rows.get(ledger.ref.prefix)!, accountant, tally);
    const account = accountant.account();
    const span = lostSpan(segments, accountant.lostIds);
    return {
      path: input.path,
      connection: input.connection,
      writer,
      checkedAt: new Date().toISOString(),
      waitedMs: Date.now() - started,
      ...account,
      ...tally,
      ...(span ? { lostSpan: span } : {}),
      holds: writeViolations(account).length === 0 && tally.partialPurchases === 0,
    };
  } finally {
    clearInterval(beat);
    await db.destroy();
  }
}
