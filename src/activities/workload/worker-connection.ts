/**
 * A workload worker's own connection, kept for the whole run: no pool checkout and release around
 * every operation. With the `pg` driver pg opens it and the worker's statements then run on a wire
 * session (wire-session.ts: rows only counted are never built); with `pg-native`, through libpq.
 * A connection that breaks (socket gone, server shut down, timeout) is dropped at once; the next
 * operation opens a new one, and if that fails, the operation fails: an outage is measured the same
 * as with a pool.
 */
import { CompiledQuery, type QueryResult } from 'kysely';
import pg, { type Client, type ClientConfig } from 'pg';
import { isConnectionLevelError } from '../../platform/error-classification';
import type { StatementRunner } from './statement-runner';
import type { TypeParsers } from './wire-messages';
import { WireSession, type StatementRows } from './wire-session';

const AFFECTED_ROWS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** What a worker's statements run on: a wire session (pg) or libpq's client (pg-native). */
interface Link {
  count(sql: string, parameters: readonly unknown[]): Promise<number>;
  rows(sql: string, parameters: readonly unknown[]): Promise<StatementRows>;
  close(): Promise<void>;
  destroy(): void;
}

export class WorkerConnection implements StatementRunner {
  private link: Link | undefined;

  constructor(
    private readonly config: ClientConfig,
    private readonly driver: 'pg' | 'pg-native' = 'pg',
  ) {}

  async executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    const result = await this.run(query, (link) => link.rows(query.sql, query.parameters));
    return AFFECTED_ROWS.has(result.command)
      ? { rows: result.rows as R[], numAffectedRows: BigInt(result.rowCount) }
      : { rows: result.rows as R[] };
  }

  countQuery(query: CompiledQuery): Promise<number> {
    return this.run(query, (link) => link.count(query.sql, query.parameters));
  }

  async transaction<T>(work: (trx: StatementRunner) => Promise<T>): Promise<T> {
    await this.command('BEGIN');
    let value: T;
    try {
      value = await work(this);
    } catch (err) {
      // A broken connection took its transaction with it; otherwise roll back for the next operation.
      if (this.link) await this.command('ROLLBACK').catch(() => undefined);
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
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  /** Runs on the worker's connection, opening one if it has none; a broken one is dropped. */
  private run<T>(query: CompiledQuery, statement: (link: Link) => Promise<T>): Promise<T> {
    const link = this.link;
    if (!link) return this.open().then(() => this.run(query, statement));
    return statement(link).catch((err: unknown) => {
      if (isConnectionLevelError(err)) this.drop(link);
      throw err;
    });
  }

  private command(sql: string): Promise<number> {
    return this.countQuery(CompiledQuery.raw(sql));
  }

  private async open(): Promise<void> {
    const client = newClient(this.config, this.driver);
    const connecting = () => undefined; // an error while connecting is connect()'s rejection
    client.on('error', connecting);
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    const link =
      this.driver === 'pg'
        ? new WireSession(client, {
            types: this.config.types as TypeParsers | undefined,
            readTimeoutMs: this.config.query_timeout,
          })
        : nativeLink(client);
    // A connection that breaks between queries says so here: the next operation gets a new one.
    client.off('error', connecting).on('error', () => this.drop(link));
    this.link = link;
  }

  private drop(link = this.link): void {
    if (!link) return;
    if (this.link === link) this.link = undefined;
    link.destroy();
  }
}

/** libpq's client through pg's query API (its rows come parsed; counted rows come as arrays). */
function nativeLink(client: Client): Link {
  return {
    count: async (text, values) => {
      const result = await client.query({ text, values: values as unknown[], rowMode: 'array' });
      return AFFECTED_ROWS.has(result.command) ? (result.rowCount ?? 0) : result.rows.length;
    },
    rows: async (text, values) => {
      const result = await client.query({ text, values: values as unknown[] });
      return { rows: result.rows, command: result.command, rowCount: result.rowCount ?? 0 };
    },
    close: () => client.end().catch(() => undefined),
    destroy: () => void client.end().catch(() => undefined), // with a query in flight, pg destroys the socket
  };
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
