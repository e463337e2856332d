/**
 * Where a named connection leads and what the server there accepts (connection-budget.ts sums
 * faultline's connections against it). One login and one query: which PostgreSQL server answers
 * (its system identifier and postmaster start time: the same on one server through any path,
 * different on a replica), its max_connections and reserved slots. The login is faultline's own
 * (wire/): a login whose BackendKeyData pid is not the pid its queries run in went through a pooler
 * (PgBouncer gives each client a key of its own):
 * the pooler's limit comes from its admin console (`SHOW CONFIG` on database `pgbouncer`, for an
 * admin or stats user, as the lab's is), else from FAULTLINE_MAX_CLIENT_CONN_<NAME>, else it is not
 * known, and said so. Connections other clients hold are not subtracted: a moment's count, which
 * would include faultline's own (the payment service's pool).
 */
import type { PoolConfig } from 'pg';
import type { ConnectionLocation, ServerLimit } from '../../shared/connection-budget';
import { maxClientConnKey, pgbouncerLimit, postgresLimit, type PoolerLimit } from '../../shared/server-limits';
import { resolveConnection } from '../connections';
import { poolConfigFor } from './open-database';
import { withClientConfig } from './with-client';
import { openWireSession } from './wire/wire-connection';
import type { WireSession } from './wire/wire-session';

const TIMEOUT_MS = 3000;
const OPTIONS = { connectTimeoutMs: TIMEOUT_MS, statementTimeoutMs: TIMEOUT_MS, applicationName: 'faultline-budget' };

interface ServerRow {
  id: string | null;
  started: string;
  pid: number;
  addr: string | null;
  port: number | null;
  max_connections: string;
  superuser_reserved: string;
  reserved: string | null;
}

const serverSql = (withSystem: boolean) =>
  `SELECT ${withSystem ? 'system_identifier::text' : 'NULL::text'} AS id,
     extract(epoch FROM pg_postmaster_start_time())::text AS started, pg_backend_pid() AS pid,
     host(inet_server_addr()) AS addr, inet_server_port() AS port,
     current_setting('max_connections') AS max_connections,
     current_setting('superuser_reserved_connections') AS superuser_reserved,
     current_setting('reserved_connections', true) AS reserved${withSystem ? ' FROM pg_control_system()' : ''}`;

/** The server a query runs on (pg_control_system may be refused, as on some managed services). */
async function serverRow(session: WireSession): Promise<ServerRow> {
  const row = async (withSystem: boolean) =>
    (await session.rows(serverSql(withSystem), [])).rows[0] as unknown as ServerRow;
  return await row(true).catch(() => row(false));
}

function serverLimitOf(r: ServerRow): ServerLimit {
  const where = r.addr ? `${r.addr}:${r.port}` : 'a local socket';
  const { accepts, limit } = postgresLimit({
    maxConnections: Number(r.max_connections),
    superuserReservedConnections: Number(r.superuser_reserved),
    reservedConnections: r.reserved === null || r.reserved === '' ? null : Number(r.reserved),
  });
  return {
    key: `postgres ${r.id ?? where} started ${r.started}`,
    label: `the PostgreSQL server at ${where}${r.id ? ` (system ${r.id})` : ''}`,
    accepts,
    limit,
  };
}

/** The same connection, to the pooler's admin console. */
function adminConsole(config: PoolConfig): PoolConfig {
  if (!config.connectionString) return { ...config, database: 'pgbouncer' };
  const url = new URL(config.connectionString);
  url.pathname = '/pgbouncer';
  return { ...config, connectionString: url.toString() };
}

async function poolerLimit(connection: string): Promise<PoolerLimit> {
  let why: string;
  try {
    // PgBouncer's admin console takes its admin users: the setup role's (the workload's is none).
    return await withClientConfig(
      adminConsole(poolConfigFor(connection, { ...OPTIONS, role: 'setup' })),
      async (client) => {
        const { rows } = await client.query<{ key: string; value: string }>('SHOW CONFIG');
        return pgbouncerLimit(Object.fromEntries(rows.map((r) => [r.key, r.value])));
      },
    );
  } catch (err) {
    why = (err as Error).message;
  }
  const key = maxClientConnKey(connection);
  const set = process.env[key]?.trim();
  if (set && /^\d+$/.test(set))
    return { accepts: Number(set), limit: `${key} ${set} (its admin console: ${why})`, serverConnections: null };
  return {
    accepts: null,
    limit: `its admin console did not answer SHOW CONFIG (${why}); set ${key} to check it`,
    serverConnections: null,
  };
}

/** Where `connection` leads: a server, a pooler and the server behind it, or why it was not reached. */
export async function locateConnection(connection: string): Promise<ConnectionLocation> {
  let found: { row: ServerRow; loginPid: number | null };
  try {
    const session = await openWireSession(poolConfigFor(connection, OPTIONS), { readTimeoutMs: TIMEOUT_MS });
    try {
      found = { row: await serverRow(session), loginPid: session.processId ?? null };
    } finally {
      await session.close();
    }
  } catch (err) {
    return { connection, unreached: (err as Error).message };
  }
  const server = serverLimitOf(found.row);
  if (found.loginPid === Number(found.row.pid)) return { connection, server };
  const at = resolveConnection(connection).display.replace(/\/.*$/, '');
  const { accepts, limit, serverConnections } = await poolerLimit(connection);
  return {
    connection,
    pooler: { key: `pooler ${at}`, label: `the pooler at ${at}`, accepts, limit },
    server,
    serverConnections,
  };
}
