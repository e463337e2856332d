/**
 * A Kysely query built and compiled once, then executed many times with new parameter values.
 * Building a Kysely query allocates and freezes a tree on every call; for the workload's hot loop
 * that client CPU comes straight out of the database's share of this machine. The query is still
 * written in Kysely: `statement((id) => db.selectFrom(...).where('id', '=', id))` builds it with
 * markers in place of the arguments, and each run swaps the markers for the real values.
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';

/** Stands in for an argument while the query is compiled. */
class Marker {
  constructor(readonly index: number) {}
}

/** Anything that executes a compiled query: Kysely, a transaction, a StatementRunner. */
export interface Executor {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
  countQuery?(query: CompiledQuery): Promise<number>;
}

/** The rows a statement read or changed. */
export const rowCount = (result: QueryResult<unknown>): number =>
  result.numAffectedRows !== undefined ? Number(result.numAffectedRows) : result.rows.length;

export interface Statement<A extends unknown[], R> {
  (executor: Executor, ...args: A): Promise<QueryResult<R>>;
  /** Runs it for the number of rows it read or changed (a runner that can skips building them). */
  count(executor: Executor, ...args: A): Promise<number>;
  /** The SQL it runs (for tests and docs). */
  readonly sql: string;
  /**
   * The SQL with its parameters written in: argument i as `args[i]`, SQL text of the caller's
   * (a pgbench variable, say), and the query's own constants as literals. For pgbench's scripts.
   */
  inlined(args: readonly string[]): string;
}

/** A constant of the query as an SQL literal. */
function literal(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`no SQL literal for ${typeof value} ${String(value)}`);
}

export function statement<A extends unknown[], R>(
  arity: A['length'],
  build: (...args: A) => Compilable<R>,
): Statement<A, R> {
  const markers = Array.from({ length: arity }, (_, i) => new Marker(i)) as unknown as A;
  let compiled: CompiledQuery<R> | undefined;
  let slots: number[] = [];
  const compile = (): CompiledQuery<R> => {
    if (!compiled) {
      compiled = build(...markers).compile();
      slots = compiled.parameters.map((p) => (p instanceof Marker ? p.index : -1));
    }
    return compiled;
  };
  const bound = (args: A): CompiledQuery<R> => {
    const query = compile();
    const parameters = query.parameters.map((p, i) => (slots[i]! >= 0 ? args[slots[i]!] : p));
    return { ...query, parameters };
  };
  const run = (executor: Executor, ...args: A): Promise<QueryResult<R>> => executor.executeQuery<R>(bound(args));
  const count = (executor: Executor, ...args: A): Promise<number> => {
    const query = bound(args);
    return executor.countQuery ? executor.countQuery(query) : executor.executeQuery(query).then(rowCount);
  };
  const inlined = (args: readonly string[]): string => {
    if (args.length !== arity) throw new Error(`${arity} arguments wanted, ${args.length} given`);
    const query = compile();
    return query.sql.replace(/\$(\d+)/g, (_, n: string) => {
      const i = Number(n) - 1;
      return slots[i]! >= 0 ? args[slots[i]!]! : literal(query.parameters[i]);
    });
  };
  return Object.defineProperties(run, {
    sql: { get: () => compile().sql },
    count: { value: count },
    inlined: { value: inlined },
  }) as Statement<A, R>;
}
