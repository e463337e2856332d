/**
 * A workload worker's own connection, kept for the whole run: no pool checkout and release around
 * every operation, and statements whose rows are only counted come back as arrays, not objects.
 * A connection that breaks (socket gone, server shut down, timeout) is dropped at once; the next
 * operation opens a new one, and if that fails, the operation fails: an outage is measured the same
 * as with a pool.
 */
import { CompiledQuery, type QueryResult } from 'kysely';
import pg, { type Client, type ClientConfig, type QueryArrayResult, type QueryResult as PgResult } from 'pg';
import { isConnectionLevelError } from '../../platform/error-classification';
import type { StatementRunner } from './statement-runner';

const AFFECTED_ROWS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

export class WorkerConnection implements StatementRunner {
  private client: Client | undefined;

  constructor(
    private readonly config: ClientConfig,
    private readonly driver: 'pg' | 'pg-native' = 'pg',
  ) {}

  async executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    const result = (await this.query(query, false)) as PgResult;
    return AFFECTED_ROWS.has(result.command)
      ? { rows: result.rows as R[], numAffectedRows: BigInt(result.rowCount ?? 0) }
      : { rows: result.rows as R[] };
  }

  async countQuery(query: CompiledQuery): Promise<number> {
    const result = await this.query(query, true);
    return AFFECTED_ROWS.has(result.command) ? (result.rowCount ?? 0) : result.rows.length;
  }

  async transaction<T>(work: (trx: StatementRunner) => Promise<T>): Promise<T> {
    await this.command('BEGIN');
    let value: T;
    try {
      value = await work(this);
    } catch (err) {
      // A broken connection took its transaction with it; otherwise roll back for the next operation.
      if (this.client) await this.command('ROLLBACK').catch(() => undefined);
      throw err;
    }
    await this.command('COMMIT');
    return value;
  }

  /** Cuts the connection under a query that will not finish (the run is stopping). */
  terminate(): void {
    this.drop();
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async query(query: CompiledQuery, arrays: boolean): Promise<QueryArrayResult | PgResult> {
    const client = this.client ?? (await this.open());
    try {
      return await client.query({
        text: query.sql,
        values: query.parameters as unknown[],
        ...(arrays ? { rowMode: 'array' as const } : {}),
      });
    } catch (err) {
      if (isConnectionLevelError(err)) this.drop(client);
      throw err;
    }
  }

  private command(sql: string): Promise<unknown> {
    return this.query(CompiledQuery.raw(sql), true);
  }

  private async open(): Promise<Client> {
    const client = newClient(this.config, this.driver);
    // A connection that breaks between queries says so here: the next operation gets a new one.
    client.on('error', () => this.drop(client));
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }

  private drop(client = this.client): void {
    if (!client) return;
    if (this.client === client) this.client = undefined;
    void client.end().catch(() => undefined); // with a query in flight, pg destroys the socket
  }
}

/** Throws a clear error when the driver asked for cannot load here. */
export function checkDriver(driver: 'pg' | 'pg-native'): void {
  if (driver === 'pg-native' && !pg.native)
    throw new Error(
      'workload.driver "pg-native": the pg-native module is not built here (bash scripts/provision.sh builds it)',
    );
}

function newClient(config: ClientConfig, driver: 'pg' | 'pg-native'): Client {
  if (driver === 'pg') return new pg.Client(config);
  checkDriver(driver);
  const native = pg.native!;
  // libpq connects by itself: no socket of ours, its connect timeout in whole seconds.
  const { stream: _stream, ...libpqConfig } = config;
  return new native.Client(libpqConfig) as unknown as Client;
}
