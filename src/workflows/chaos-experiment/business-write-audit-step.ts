/**
 * The business-write audit, after recovery, whatever ended the method: each business path's
 * orders, logs and purchases (every shard's ledgers) against the writer, through
 * `workload.writeAudit.connection` or the path's own connection.
 */
import { patched } from '@temporalio/workflow';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import { writesAudited } from '../../shared/workload-settings';
import { act, auditOptions } from './activity-options';
import type { ExperimentState } from './state';
import { errorText } from '../error-text';

/** How long the audit's connection may take to reach the writer (a failover settling). */
const WRITER_TIMEOUT_SECONDS = 60;

/** Histories from before the business-write audit went on to the report without it. */
const WRITE_AUDIT_PATCH = 'business-write-audit';

export const businessWritesAudited = (s: ExperimentState): boolean =>
  writesAudited(s.definition.workload) && s.definition.paths.length > 0 && patched(WRITE_AUDIT_PATCH);

export async function auditBusinessWrites(s: ExperimentState, paths: PathMeasurementSummary[]): Promise<void> {
  if (!businessWritesAudited(s)) return;
  for (const path of s.definition.paths) {
    const measured = paths.find((p) => p.connection === path);
    const indexFiles = (measured?.shards ?? (measured ? [measured] : [])).flatMap((m) =>
      m.writeLedgerFile ? [m.writeLedgerFile] : [],
    );
    if (!indexFiles.length) {
      (s.writeAuditErrors ??= []).push(`${path}: its measurement left no ledger of its writes, nothing was audited`);
      continue;
    }
    const connection = s.definition.workload.writeAudit.connection ?? path;
    try {
      const audit = await act(
        auditOptions(WRITER_TIMEOUT_SECONDS + 3600),
        `Audit: the business writes on ${path} against the writer, via ${connection}`,
      ).auditBusinessWrites({ path, connection, indexFiles, writerTimeoutSeconds: WRITER_TIMEOUT_SECONDS });
      (s.writeAudits ??= []).push(audit);
    } catch (err) {
      // Not an abort: a violation found meanwhile must still be the verdict.
      (s.writeAuditErrors ??= []).push(`${path}: ${errorText(err)}`);
    }
  }
}
