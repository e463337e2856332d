/** A Kysely instance on a named connection, with timeouts so that a dead server never hangs us. */
import { Kysely, PostgresDialect } from 'kysely';
import { Pool, type PoolConfig } from 'pg';
import { resolveConnection } from '../connections';
import type { BusinessDatabase } from './business-database';

export interface OpenDatabaseOptions {
  poolSize?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export function poolConfigFor(connection: string, options: OpenDatabaseOptions = {}): PoolConfig {
  const resolved = resolveConnection(connection);
  return {
    ...resolved.pool,
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    // Client-side timeout: works through PgBouncer too (which does not forward statement_timeout).
    query_timeout: options.statementTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'faultline',
  };
}

export function openDatabase(connection: string, options: OpenDatabaseOptions = {}): Kysely<BusinessDatabase> {
  const pool = new Pool(poolConfigFor(connection, options));
  // A pooled idle client whose server went away emits 'error'; without a listener that is fatal.
  pool.on('error', () => undefined);
  return new Kysely<BusinessDatabase>({ dialect: new PostgresDialect({ pool }) });
}
