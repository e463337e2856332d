/**
 * `faultline history` on a server without faultline's search attributes (Temporal Cloud registers
 * them through its own API): experiments still run there, but set none of them, and a visibility
 * query that names one fails. This names them instead of failing obscurely.
 */
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../shared/experiment-contract';
import { missingSearchAttributes } from '../lab/search-attributes';
import { configuredTemporal, describeTarget } from '../platform/temporal-target';

/** faultline's search attributes the configured server lacks; null when it will not say. */
export function serverMissing(): Promise<string[] | null> {
  return missingSearchAttributes().catch(() => null);
}

/** The note for stderr when some are missing: what history cannot show. */
export function missingNote(missing: string[]): string {
  return (
    `search attributes missing on ${describeTarget(configuredTemporal())}: ${missing.join(', ')} ` +
    '(register with `faultline setup`); experiments run without them leave fault and target empty here, ' +
    'and a --query on them fails\n'
  );
}

/**
 * The error to show for a failed visibility `query`: the faultline attributes it names that the
 * server lacks (by the server's list, or by the error's text); undefined when that is not why.
 */
export function missingInQuery(
  err: unknown,
  query: string,
  missing: string[] | null,
  server: string = describeTarget(configuredTemporal()),
): Error | undefined {
  const text = err instanceof Error ? err.message : String(err);
  const named = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name).filter(
    (name) => query.includes(name) && (missing?.includes(name) || text.includes(name)),
  );
  if (named.length === 0) return undefined;
  return new Error(
    `the visibility query names search attributes ${server} does not have: ` +
      `${named.join(', ')} (register them with \`faultline setup\`); the server said: ${text}`,
  );
}
