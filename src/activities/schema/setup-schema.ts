/**
 * Creates the business tables, indexes and seed data on a target (idempotent), as the connection's
 * setup role (connections.ts), and grants the workload's role their rows when it is another one
 * (business-grants.ts): runs init.sql, the
 * same file the lab database runs on first start, in one transaction under a transaction-level
 * advisory lock, so that two paths setting up the same database at once do not race. (A session
 * lock would leak behind a proxy that pools by transaction: the unlock can reach another server
 * connection than the lock, and every later setup waits for ever.)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../platform/settings';
import { withClient } from '../../platform/database/with-client';
import { connectionUser, resolveConnection } from '../../platform/connections';
import { grantBusinessTables } from '../../platform/database/business-grants';

const SETUP_LOCK_KEY = 0x6661756c; // "faul"

export interface SetupSchemaResult {
  connection: string;
  users: number;
  products: number;
  orders: number;
}

export async function setupSchema(connection: string): Promise<SetupSchemaResult> {
  const sql = await readFile(path.join(PROJECT_ROOT, 'init.sql'), 'utf8');
  const setupUser = connectionUser(resolveConnection(connection, 'setup'));
  const workloadUser = connectionUser(resolveConnection(connection, 'workload'));
  return await withClient(connection, { statementTimeoutMs: 120_000, role: 'setup' }, async (client) => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY]);
      await client.query(sql);
      if (workloadUser && workloadUser !== setupUser) await grantBusinessTables(client, workloadUser);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    const { rows } = await client.query<{ users: string; products: string; orders: string }>(
      `SELECT (SELECT count(*) FROM business_users) AS users,
              (SELECT count(*) FROM business_products) AS products,
              (SELECT count(*) FROM business_orders) AS orders`,
    );
    const row = rows[0]!;
    return { connection, users: Number(row.users), products: Number(row.products), orders: Number(row.orders) };
  });
}

/** Back to the initial data set (benchmarks start from a freshly seeded database). */
export async function reseedBusinessData(connection: string): Promise<void> {
  await withClient(connection, { statementTimeoutMs: 120_000, role: 'setup' }, async (client) => {
    await client.query('SELECT faultline_reseed()');
    await client.query('ANALYZE business_users, business_orders, business_products, business_logs');
  });
}
