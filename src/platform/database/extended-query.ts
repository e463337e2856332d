/**
 * A statement for pg's extended protocol (Parse, Bind, Execute), even without parameters: pg sends
 * a parameterless query with the simple protocol, which runs every statement in its text. With
 * `queryMode: 'extended'` (pg's query config, documented in its client API) the server takes one
 * statement by construction: a second one is a syntax error ("cannot insert multiple commands into
 * a prepared statement"), however it is hidden.
 */
import type { QueryConfig } from 'pg';

/** pg's QueryConfig with its `queryMode`, which its type definitions do not list yet. */
export type ExtendedQueryConfig = QueryConfig & { queryMode: 'extended' };

export function extendedQuery(text: string, values: readonly unknown[] = []): ExtendedQueryConfig {
  return { text, values: [...values], queryMode: 'extended' };
}
