/**
 * A workload worker's own connection, kept for the whole run: no pool checkout and release around
 * every operation. It is opened and logged in on public packages (wire-connection.ts), and the
 * worker's statements run on a wire session on its socket (wire-session.ts: rows only counted are
 * never built). A connection that breaks (socket gone, server shut down, timeout) is dropped: at
 * once under a statement, or by the next operation if it broke in between; that operation opens a
 * new one, and if that fails, the operation fails: an outage is measured the same as with a pool.
 */
import { CompiledQuery, type QueryResult } from 'kysely';
import type { ClientConfig } from 'pg';
import { isConnectionLevelError } from '../../../platform/error-classification';
import type { StatementRunner } from './statement-runner';
import type { TypeParsers } from '../../../platform/database/wire/wire-messages';
import { openWireSession } from '../../../platform/database/wire/wire-connection';
import type { WireSession } from '../../../platform/database/wire/wire-session';

const AFFECTED_ROWS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

const resultOf = <R>(result: { command: string; rows: unknown[]; rowCount: number }): QueryResult<R> =>
  AFFECTED_ROWS.has(result.command)
    ? { rows: result.rows as R[], numAffectedRows: BigInt(result.rowCount) }
    : { rows: result.rows as R[] };

export class WorkerConnection implements StatementRunner {
  private session: WireSession | undefined;

  constructor(private readonly config: ClientConfig) {}

  async executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    return resultOf<R>(await this.run((session) => session.rows(query.sql, query.parameters)));
  }

  countQuery(query: CompiledQuery): Promise<number> {
    return this.run((session) => session.count(query.sql, query.parameters));
  }

  /** One round trip: BEGIN READ ONLY, the statement and COMMIT under one Sync (wire-session.ts). */
  countReadOnly(query: CompiledQuery): Promise<number> {
    return this.run((session) => session.countReadOnly(query.sql, query.parameters));
  }

  async transaction<T>(work: (trx: StatementRunner) => Promise<T>): Promise<T> {
    await this.command('BEGIN');
    const trx = this.pinnedTo(this.session!);
    let value: T;
    try {
      value = await work(trx);
    } catch (err) {
      // A broken connection took its transaction with it; otherwise roll back for the next operation.
      await trx.countQuery(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
      throw err;
    }
    await trx.countQuery(CompiledQuery.raw('COMMIT'));
    return value;
  }

  /**
   * A transaction's statements, on the session its BEGIN ran on and never on another: once that
   * session ended (its socket, the server's FATAL), they fail with its reason. A new session would
   * run them outside the transaction, and a COMMIT there would "succeed" on nothing.
   */
  private pinnedTo(session: WireSession): StatementRunner {
    const on = <T>(statement: (s: WireSession) => Promise<T>): Promise<T> =>
      statement(session).catch((err: unknown) => {
        if (isConnectionLevelError(err)) this.drop(session);
        throw err;
      });
    return {
      executeQuery: async <R>(query: CompiledQuery<R>) =>
        resultOf<R>(await on((s) => s.rows(query.sql, query.parameters))),
      countQuery: (query) => on((s) => s.count(query.sql, query.parameters)),
      countReadOnly: (query) => on((s) => s.countReadOnly(query.sql, query.parameters)),
      transaction: () => Promise.reject(new Error('a transaction within a transaction')),
    };
  }

  /** Cuts the connection under a query that will not finish (the run is stopping). */
  terminate(): void {
    this.drop();
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  /** Runs on the worker's session, opening one if it has none; a broken one is dropped. */
  private run<T>(statement: (session: WireSession) => Promise<T>): Promise<T> {
    // A connection that broke between queries (closed, or the server's FATAL) gets a new one.
    if (this.session?.ended) this.drop();
    const session = this.session;
    if (!session) return this.open().then(() => this.run(statement));
    return statement(session).catch((err: unknown) => {
      if (isConnectionLevelError(err)) this.drop(session);
      throw err;
    });
  }

  private command(sql: string): Promise<number> {
    return this.countQuery(CompiledQuery.raw(sql));
  }

  private async open(): Promise<void> {
    this.session = await openWireSession(this.config, {
      types: this.config.types as TypeParsers | undefined,
      readTimeoutMs: this.config.query_timeout,
    });
  }

  private drop(session = this.session): void {
    if (!session) return;
    if (this.session === session) this.session = undefined;
    session.destroy();
  }
}
