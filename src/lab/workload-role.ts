/**
 * The lab's workload role (docs/database-roles.md), made sure of on each `faultline up`, on the
 * database and on the Patroni cluster's leader (its replica gets it by replication): it logs in, is
 * not a superuser, owns nothing, creates nothing (no CREATE on the database or on `public`), is not
 * in `pg_signal_backend`, and may only read and write the business tables. The measured workload,
 * the probes, the audit and the payment service log in as it; setup (init.sql) as the lab's
 * superuser. Whatever a custom statement tries, it can do no more than this role.
 */
import { labWorkloadLogin } from '../platform/connections';
import { grantBusinessTables } from '../platform/database/business-grants';
import { withClient } from '../platform/database/with-client';

/** The lab connections whose servers get the role: the database and the cluster's writer. */
const SERVERS = ['direct', 'cluster'];

export async function ensureWorkloadRole(): Promise<string> {
  const { user, password } = labWorkloadLogin();
  for (const connection of SERVERS)
    await withClient(connection, { role: 'setup', statementTimeoutMs: 30_000 }, async (client) => {
      const role = client.escapeIdentifier(user);
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
      if (!exists.rowCount) await client.query(`CREATE ROLE ${role}`);
      await client.query(
        `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`,
      );
      await client.query(`REVOKE pg_signal_backend FROM ${role}`);
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      const db = client.escapeIdentifier(rows[0]!.db);
      await client.query(`REVOKE CREATE ON DATABASE ${db} FROM PUBLIC`);
      await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${role}`);
      await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      const tables = await client.query("SELECT 1 WHERE to_regclass('business_users') IS NOT NULL");
      if (tables.rowCount) await grantBusinessTables(client, user);
      // The lab's Flask service's payments, for the HTTP audit (the service grants it too, if it made the table later).
      const flask = await client.query("SELECT 1 WHERE to_regclass('flask_payments') IS NOT NULL");
      if (flask.rowCount) await client.query(`GRANT SELECT ON flask_payments TO ${role}`);
    });
  return `${user} (not a superuser; the business tables' rows only) on ${SERVERS.join(' and ')}`;
}
