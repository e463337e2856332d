/**
 * What the workload's role may do (docs/database-roles.md): read and write the business tables of
 * init.sql (seed 001's four and seed 000's payments) and use their sequences; nothing else. Given by
 * the setup role, after init.sql, to the workload's user when it is another one.
 */
import type { Client } from 'pg';

export const BUSINESS_TABLES = ['business_users', 'business_orders', 'business_products', 'business_logs', 'payments'];

/** Grants `user` the business tables' rows and sequences (idempotent); the tables must exist. */
export async function grantBusinessTables(client: Client, user: string): Promise<void> {
  const role = client.escapeIdentifier(user);
  const tables = BUSINESS_TABLES.map((t) => client.escapeIdentifier(t)).join(', ');
  await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${tables} TO ${role}`);
  const { rows } = await client.query<{ sequence: string | null }>(
    'SELECT pg_get_serial_sequence(t, $2) AS sequence FROM unnest($1::text[]) AS t',
    [BUSINESS_TABLES, 'id'],
  );
  for (const { sequence } of rows) if (sequence) await client.query(`GRANT USAGE ON SEQUENCE ${sequence} TO ${role}`);
}
