/**
 * `auditHttpAcknowledgements`: after recovery, what an HTTP service told its callers against what
 * its database holds. The audited request's ledger (one code per request: served, refused, failed,
 * unknown) gives the ids and their answers; the user's query through a named connection, keyed on
 * the id ($1), gives each one's rows; the WriteAccountant files them in the audits' one vocabulary.
 * Acknowledged writes that do not show yet are looked for again until `settleSeconds`, at least once
 * (a service that writes after it answers). Memory stays bounded: counts, and at most 20 examples.
 */
import { heartbeat } from '@temporalio/activity';
import { CompiledQuery } from 'kysely';
import type { HttpAudit } from '../../shared/http-workload-schema';
import type { HttpAuditResult } from '../../shared/http-audit-types';
import type { WriteAnswer } from '../../shared/write-audit-types';
import { writeViolations } from '../../shared/write-audit-types';
import { openDatabase } from '../../platform/database/open-database';
import { LEDGER_CODES, ledgerEntries } from '../workload/http/http-ledger';
import { readLedgerFile } from '../workload/http/http-ledger-file';
import { WriteAccountant } from './write-accountant';

export interface AuditHttpInput {
  target: string;
  ledgerFile: string;
  audit: HttpAudit;
}

const HEARTBEAT_MS = 5000;

const ANSWERS: Record<number, WriteAnswer> = {
  [LEDGER_CODES.served]: 'acknowledged',
  [LEDGER_CODES.refused]: 'refused',
  [LEDGER_CODES.failed]: 'failed',
  [LEDGER_CODES.unknown]: 'unknown',
};

export async function auditHttpAcknowledgements(input: AuditHttpInput): Promise<HttpAuditResult> {
  const segments = readLedgerFile(input.ledgerFile);
  const db = openDatabase(input.audit.connection, { poolSize: 1, connectTimeoutMs: 5000, statementTimeoutMs: 30_000 });
  const rowsOf = async (id: string) => (await db.executeQuery(CompiledQuery.raw(input.audit.query, [id]))).rows.length;
  const accountant = new WriteAccountant({
    unaudited: segments.reduce((n, s) => n + (s.unaudited ?? 0), 0),
    incompleteSegments: segments.filter((s) => !s.complete).length,
  });
  const started = Date.now();
  // On a timer, whatever one query takes: a slow lookup must not look like a lost worker.
  const beat = setInterval(() => heartbeat({ audited: accountant.audited }), HEARTBEAT_MS);
  try {
    for (const segment of segments) {
      for (const { id, code } of ledgerEntries(segment)) {
        // 0: in flight when a lost attempt's ledger was taken: its answer is unknown.
        accountant.file(id, ANSWERS[code] ?? 'unknown', await rowsOf(id));
      }
    }
    await accountant.settle(input.audit.settleSeconds * 1000, rowsOf);
    const account = accountant.account();
    return {
      target: input.target,
      request: input.audit.request,
      connection: input.audit.connection,
      checkedAt: new Date().toISOString(),
      waitedMs: Date.now() - started,
      ...account,
      holds: writeViolations(account).length === 0,
    };
  } finally {
    clearInterval(beat);
    await db.destroy();
  }
}
