/** A Kysely instance on a named connection, with timeouts so that a dead server never hangs us. */
import { Kysely, PostgresDialect } from 'kysely';
import { types, type PoolConfig } from 'pg';
import { resolveConnection, type ConnectionRole } from '../connections';
import type { BusinessDatabase } from './business-database';
import { EvictingPool } from './evicting-pool';
import { DEFAULT_TCP_CONNECT_TIMEOUT_MS, fastFailingSocket } from './fast-failing-socket';

export interface OpenDatabaseOptions {
  poolSize?: number;
  /** The whole connect: TCP handshake, TLS, login. */
  connectTimeoutMs?: number;
  /** The TCP handshake alone (see fast-failing-socket.ts). */
  tcpConnectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Leave date and time columns as strings (the workload never looks at them; parsing costs CPU). */
  rawTimestamps?: boolean;
  /** What pg_stat_activity (and anything the statements log) calls the connections. */
  applicationName?: string;
  /** Who logs in (connections.ts): the workload's role unless the job is the business tables' setup. */
  role?: ConnectionRole;
}

const DATE_TIME_OIDS = new Set([1082, 1083, 1114, 1184, 1266]);
const rawTimestampTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    DATE_TIME_OIDS.has(oid)
      ? (value: string) => value
      : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

export function poolConfigFor(connection: string, options: OpenDatabaseOptions = {}): PoolConfig {
  const resolved = resolveConnection(connection, options.role);
  return {
    ...resolved.pool,
    stream: fastFailingSocket(options.tcpConnectTimeoutMs ?? DEFAULT_TCP_CONNECT_TIMEOUT_MS),
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    // Client-side timeout: works through PgBouncer too (which does not forward statement_timeout).
    query_timeout: options.statementTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: options.applicationName ?? 'faultline',
    ...(options.rawTimestamps ? { types: rawTimestampTypes } : {}),
  };
}

export function openDatabase(connection: string, options: OpenDatabaseOptions = {}): Kysely<BusinessDatabase> {
  const pool = new EvictingPool(poolConfigFor(connection, options));
  return new Kysely<BusinessDatabase>({ dialect: new PostgresDialect({ pool }) });
}
