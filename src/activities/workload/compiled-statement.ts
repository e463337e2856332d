/**
 * A Kysely query built and compiled once, then executed many times with new parameter values.
 * Building a Kysely query allocates and freezes a tree on every call; for the workload's hot loop
 * that client CPU comes straight out of the database's share of this machine. The query is still
 * written in Kysely: `statement((id) => db.selectFrom(...).where('id', '=', id))` builds it with
 * markers in place of the arguments, and each run swaps the markers for the real values.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';

/** Stands in for an argument while the query is compiled. */
class Marker {
  constructor(readonly index: number) {}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKysely = Kysely<any>;

export interface Statement<A extends unknown[], R> {
  (executor: AnyKysely, ...args: A): Promise<QueryResult<R>>;
  /** The SQL it runs (for tests and docs). */
  readonly sql: string;
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
  const run = (executor: AnyKysely, ...args: A): Promise<QueryResult<R>> => {
    const query = compile();
    const parameters = query.parameters.map((p, i) => (slots[i]! >= 0 ? args[slots[i]!] : p));
    return executor.executeQuery<R>({ ...query, parameters });
  };
  return Object.defineProperty(run, 'sql', { get: () => compile().sql }) as Statement<A, R>;
}
