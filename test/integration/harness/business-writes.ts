/**
 * The business writes an experiment left in the tables, read with plain SQL (never through the
 * audit's code). Identities, as docs/audits.md gives them: `fl-` and 12 hex digits of the SHA-256 of
 * the workflow id, `-`, 8 of the run id's, `p` and 4 of the path's name, then the shard, the attempt
 * and `-<n>`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { ExperimentReport } from '../../../src/activities/report/report-types';
import type { BusinessWriteAudit } from '../../../src/shared/business-write-audit-types';
import { labSettings } from '../../../src/platform/settings';
import { labClientConfig } from './lab-client';

const hex = (text: string, n: number) => createHash('sha256').update(text).digest('hex').slice(0, n);

export const experimentIdPrefix = (workflowId: string): string => `fl-${hex(workflowId, 12)}`;

/** Orders (pending and confirmed) and activity logs a path's workload wrote, counted in the tables on `port`. */
export async function writesInTables(
  workflowId: string,
  path = 'direct',
  port = labSettings().dbPort,
): Promise<{ orders: number; logs: number; purchaseLogs: number }> {
  const id = `${experimentIdPrefix(workflowId)}-________p${hex(path, 4)}`;
  const client = new pg.Client(labClientConfig(port, { connectionTimeoutMillis: 5000 }));
  await client.connect();
  try {
    const { rows } = await client.query<{ orders: number; logs: number; purchase_logs: number }>(
      `SELECT (SELECT count(*)::int FROM business_orders WHERE order_number LIKE $1) AS orders,
              (SELECT count(*)::int FROM business_logs WHERE details LIKE $2) AS logs,
              (SELECT count(*)::int FROM business_logs WHERE details LIKE $3) AS purchase_logs`,
      [`ORD-${id}%`, `workload activity ${id}%`, `order ORD-${id}%`],
    );
    return { orders: rows[0]!.orders, logs: rows[0]!.logs, purchaseLogs: rows[0]!.purchase_logs };
  } finally {
    await client.end();
  }
}

/** Of these write ids, those any row of the tables on `port` carries (an order, an activity log, a purchase's log). */
export async function idsInTables(ids: string[], port = labSettings().dbPort): Promise<string[]> {
  const client = new pg.Client(labClientConfig(port, { connectionTimeoutMillis: 5000 }));
  await client.connect();
  try {
    // w.write_id, not id: the tables have an id column of their own, which a bare name would mean.
    const { rows } = await client.query<{ write_id: string }>(
      `SELECT w.write_id FROM unnest($1::text[]) AS w(write_id)
        WHERE EXISTS (SELECT 1 FROM business_orders o WHERE o.order_number = 'ORD-' || w.write_id)
           OR EXISTS (SELECT 1 FROM business_logs l
                       WHERE l.details ~ ('^(workload activity |order ORD-)' || w.write_id || '($|[^0-9])'))`,
      [ids],
    );
    return rows.map((r) => r.write_id);
  } finally {
    await client.end();
  }
}

/** Writes of an audit that are in the table, whatever their caller was told. */
export const writtenOf = (a: BusinessWriteAudit): number =>
  a.found + a.unknown.written + a.writtenDespiteFailure + a.writtenDespiteRefusal;

/**
 * Each path's audit: its acknowledged writes of each kind are the successes the measurement counted
 * (another record, kept by the histograms), out-of-stock purchases apart; and every write the
 * tables hold (`ports`: each path's database) is one the audit accounts for.
 */
export async function assertAuditMatches(report: ExperimentReport, ports: Record<string, number> = {}): Promise<void> {
  const audits = report.writeAudits ?? [];
  assert.deepEqual(
    audits.map((a) => a.path),
    report.paths.map((p) => p.path),
    `one business-write audit per path (errors: ${report.writeAuditErrors})`,
  );
  for (const a of audits) {
    const phases = report.paths.find((p) => p.path === a.path)!.phases;
    const successes = (op: 'create_order' | 'insert_log' | 'purchase') =>
      phases.reduce((n, p) => n + (p.byOperation[op]?.successes ?? 0), 0);
    const outOfStock = phases.reduce((n, p) => n + p.purchasesOutOfStock, 0);
    assert.equal(a.kinds.create_order.acknowledged, successes('create_order'), `${a.path}: orders`);
    assert.equal(a.kinds.insert_log.acknowledged, successes('insert_log'), `${a.path}: logs`);
    assert.equal(a.kinds.purchase.acknowledged, successes('purchase') - outOfStock, `${a.path}: purchases`);
    const tables = await writesInTables(report.experimentId, a.path, ports[a.path]);
    assert.equal(
      writtenOf(a),
      tables.orders + tables.logs,
      `${a.path}: written per the audit vs the tables ${JSON.stringify(tables)}`,
    );
    assert.ok(writtenOf(a) > 0, `${a.path}: the workload wrote`);
  }
}
