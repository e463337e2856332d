/**
 * A pg Pool for Kysely that evicts a connection the moment it misbehaves. Kysely releases a
 * connection without saying why; this wrapper remembers whether the last query failed at the
 * connection level (socket gone, server shutdown, timeout) and then releases it *with* the error,
 * so pg destroys it and the next operation gets a fresh connection instead of a dead socket.
 * Statements go out with the extended protocol (extended-query.ts), with parameters or without.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { isConnectionLevelError } from '../error-classification';
import { extendedQuery } from './extended-query';

class EvictingClient {
  private broken: Error | undefined;
  private released = false;

  /** While checked out, a connection that breaks between queries emits 'error': mark it broken. */
  private readonly onError = (err: Error) => {
    this.broken ??= err;
  };

  constructor(
    private readonly inner: PoolClient,
    private readonly onRelease: (client: EvictingClient) => void,
  ) {
    inner.on('error', this.onError);
  }

  query(sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>): unknown {
    if (typeof sqlOrCursor !== 'string') return this.inner.query(sqlOrCursor as never);
    // Every statement with the extended protocol: one statement per query, whatever its text.
    return this.inner.query(extendedQuery(sqlOrCursor, parameters)).catch((err: unknown) => {
      if (isConnectionLevelError(err)) this.broken = err as Error;
      throw err;
    });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.inner.off('error', this.onError);
    this.onRelease(this);
    this.inner.release(this.broken ?? undefined);
  }

  /** Destroys the connection under a query that will not finish (server paused or gone). */
  terminate(): void {
    this.broken ??= new Error('terminated by faultline: the run is stopping');
    this.release();
  }
}

export class EvictingPool implements PostgresPool {
  readonly pool: Pool;

  constructor(config: PoolConfig) {
    this.pool = new Pool(config);
    // An idle connection whose server went away emits 'error'; pg removes it, we only listen.
    this.pool.on('error', () => undefined);
  }

  private readonly checkedOut = new Set<EvictingClient>();

  async connect(): Promise<PostgresPoolClient> {
    const client = new EvictingClient(await this.pool.connect(), (c) => this.checkedOut.delete(c));
    this.checkedOut.add(client);
    return client as unknown as PostgresPoolClient;
  }

  /** Cuts every checked-out connection: their queries fail at once. */
  terminate(): void {
    for (const client of [...this.checkedOut]) client.terminate();
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
