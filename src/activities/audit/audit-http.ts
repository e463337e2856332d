/**
 * `auditHttpAcknowledgements`: after recovery, what an HTTP service told its callers against what
 * its database holds. The audited request's ledger (one code per request: served, refused, failed,
 * unknown) gives the ids; the user's query through a named connection, keyed on the id ($1), gives
 * each one's rows. Served and absent is lost, served and twice is duplicated, refused or failed and
 * present was written despite the answer; unknown answers are resolved either way. Acknowledged
 * writes that do not show yet are looked for again until `settleSeconds`, at least once (a service
 * that writes after it answers). Memory stays bounded: counts, and at most 20 examples.
 */
import { heartbeat } from '@temporalio/activity';
import { CompiledQuery } from 'kysely';
import type { HttpAudit } from '../../shared/http-workload-schema';
import type { HttpAuditResult } from '../../shared/http-audit-types';
import { openDatabase } from '../../platform/database/open-database';
import { LEDGER_CODES, ledgerEntries } from '../workload/http/http-ledger';
import { readLedgerFile } from '../workload/http/http-ledger-file';

export interface AuditHttpInput {
  target: string;
  ledgerFile: string;
  audit: HttpAudit;
}

const RECHECK_MS = 1000;
const HEARTBEAT_MS = 5000;
const MAX_EXAMPLES = 20;

type Tally = Omit<HttpAuditResult, 'target' | 'request' | 'connection' | 'checkedAt' | 'waitedMs' | 'holds'>;

function emptyTally(unaudited: number, incompleteSegments: number): Tally {
  return {
    audited: 0,
    acknowledged: 0,
    found: 0,
    lost: 0,
    duplicated: 0,
    refused: 0,
    writtenDespiteRefusal: 0,
    failed: 0,
    writtenDespiteFailure: 0,
    unknown: { count: 0, written: 0, absent: 0 },
    unaudited,
    incompleteSegments,
    examples: [],
  };
}

function note(t: Tally, id: string, what: string): void {
  if (t.examples.length < MAX_EXAMPLES) t.examples.push(`${id}: ${what}`);
}

/** Files one request by its code and its rows; an acknowledged one with no row is returned to look for again. */
function file(t: Tally, id: string, code: number, rows: number): boolean {
  t.audited++;
  if (code === LEDGER_CODES.served) {
    t.acknowledged++;
    if (rows === 0) return true;
    t.found++;
    if (rows > 1) {
      t.duplicated++;
      note(t, id, `acknowledged, ${rows} rows`);
    }
  } else if (code === LEDGER_CODES.refused) {
    t.refused++;
    if (rows > 0) {
      t.writtenDespiteRefusal++;
      note(t, id, 'refused, and written');
    }
  } else if (code === LEDGER_CODES.failed) {
    t.failed++;
    if (rows > 0) {
      t.writtenDespiteFailure++;
      note(t, id, 'failed, and written');
    }
  } else {
    t.unknown.count++;
    if (rows > 0) t.unknown.written++;
    else t.unknown.absent++;
  }
  return false;
}

/** Acknowledged writes not found at first, looked for again until the settle time (at least once) is up. */
async function settle(t: Tally, missing: string[], settleMs: number, rowsOf: (id: string) => Promise<number>) {
  const deadline = Date.now() + settleMs;
  let first = true;
  while (missing.length > 0 && (first || Date.now() < deadline)) {
    first = false;
    await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
    const still: string[] = [];
    for (const id of missing) {
      const rows = await rowsOf(id);
      if (rows === 0) still.push(id);
      else if (rows > 1) {
        t.duplicated++;
        note(t, id, `acknowledged, ${rows} rows`);
      }
    }
    missing = still;
  }
  return missing;
}

export async function auditHttpAcknowledgements(input: AuditHttpInput): Promise<HttpAuditResult> {
  const segments = readLedgerFile(input.ledgerFile);
  const db = openDatabase(input.audit.connection, { poolSize: 1, connectTimeoutMs: 5000, statementTimeoutMs: 30_000 });
  const rowsOf = async (id: string) => (await db.executeQuery(CompiledQuery.raw(input.audit.query, [id]))).rows.length;
  const unaudited = segments.reduce((n, s) => n + (s.unaudited ?? 0), 0);
  const tally = emptyTally(unaudited, segments.filter((s) => !s.complete).length);
  const started = Date.now();
  // On a timer, whatever one query takes: a slow lookup must not look like a lost worker.
  const beat = setInterval(() => heartbeat({ audited: tally.audited }), HEARTBEAT_MS);
  try {
    const missing: string[] = [];
    for (const segment of segments) {
      for (const { id, code } of ledgerEntries(segment)) {
        if (code === 0) continue; // in flight when a lost attempt's ledger was taken
        if (file(tally, id, code, await rowsOf(id))) missing.push(id);
      }
    }
    const lost = await settle(tally, missing, input.audit.settleSeconds * 1000, rowsOf);
    tally.found = tally.acknowledged - lost.length;
    tally.lost = lost.length;
    for (const id of lost) note(tally, id, 'acknowledged, not in the table (lost)');
    const holds =
      tally.lost === 0 &&
      tally.duplicated === 0 &&
      tally.writtenDespiteRefusal === 0 &&
      tally.writtenDespiteFailure === 0;
    return {
      target: input.target,
      request: input.audit.request,
      connection: input.audit.connection,
      checkedAt: new Date().toISOString(),
      waitedMs: Date.now() - started,
      ...tally,
      holds,
    };
  } finally {
    clearInterval(beat);
    await db.destroy();
  }
}
