/**
 * What the business operations run their statements on: Kysely (a pool, a transaction), or a
 * workload worker's own connection (worker-connection.ts), which can also count a statement's rows
 * without building them.
 */
import { Kysely, type CompiledQuery, type QueryResult } from 'kysely';
import { rowCount } from './compiled-statement';

export interface StatementRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
  /** The number of rows the statement read or changed, and nothing else of them. */
  countQuery(query: CompiledQuery): Promise<number>;
  /**
   * The same count, the statement run in a READ ONLY transaction: a read that tries to write fails
   * (25006). How, in round trips, depends on the runner (`readOnlyRoundTrips`).
   */
  countReadOnly(query: CompiledQuery): Promise<number>;
  /** Runs `work` in one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (trx: StatementRunner) => Promise<T>): Promise<T>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKysely = Kysely<any>;

/** Kysely as a runner: its pool, its transactions. */
export function kyselyRunner(db: AnyKysely): StatementRunner {
  return {
    executeQuery: (query) => db.executeQuery(query),
    countQuery: async (query) => rowCount(await db.executeQuery(query)),
    // A pg pool runs one statement per round trip: BEGIN READ ONLY, the statement, COMMIT.
    countReadOnly: (query) =>
      db
        .transaction()
        .setAccessMode('read only')
        .execute(async (trx) => rowCount(await trx.executeQuery(query))),
    transaction: (work) => db.transaction().execute((trx) => work(kyselyRunner(trx))),
  };
}

/**
 * The same runner, telling `onAnswer` each time the server answered a statement: the stall
 * threshold is per round trip (measurement/availability-detector.ts), so a transaction of six statements each
 * answered in time is slow, not stalled.
 */
export function answeringRunner(inner: StatementRunner, onAnswer: () => void): StatementRunner {
  const answered = <T>(result: T): T => {
    onAnswer();
    return result;
  };
  return {
    executeQuery: (query) => inner.executeQuery(query).then(answered),
    countQuery: (query) => inner.countQuery(query).then(answered),
    countReadOnly: (query) => inner.countReadOnly(query).then(answered),
    transaction: (work) => inner.transaction((trx) => work(answeringRunner(trx, onAnswer))),
  };
}

/** Takes a Kysely instance or a runner. */
export const asRunner = (executor: AnyKysely | StatementRunner): StatementRunner =>
  executor instanceof Kysely ? kyselyRunner(executor) : executor;
