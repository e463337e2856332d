/**
 * Registers faultline's search attributes on a Temporal server (dev server or any other), once.
 * `faultline setup` calls this against the configured Temporal (temporal-target.ts), `up` against
 * the lab's dev server.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../shared/experiment-contract';
import { connectTemporal } from '../platform/temporal-connection';
import { configuredTemporal, type TemporalTarget } from '../platform/temporal-target';

const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

/** Runs `use` with an operator connection and the names of faultline's attributes not registered yet. */
async function withMissing<T>(
  target: TemporalTarget,
  use: (connection: Connection, namespace: string, missing: string[]) => Promise<T>,
): Promise<T> {
  const connection = await connectTemporal(target);
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace: target.namespace });
    const present = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name).filter((name) => !present.has(name));
    return await use(connection, target.namespace, missing);
  } finally {
    await connection.close();
  }
}

/** Returns the names it added (empty when all were there). */
export function ensureSearchAttributes(target: TemporalTarget = configuredTemporal()): Promise<string[]> {
  return withMissing(target, async (connection, namespace, missing) => {
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          missing.map((name) => [
            name,
            INDEXED_TYPES[SEARCH_ATTRIBUTE_DEFINITIONS.find((d) => d.name === name)!.type]!,
          ]),
        ),
      });
    }
    return missing;
  });
}

export function missingSearchAttributes(target: TemporalTarget = configuredTemporal()): Promise<string[]> {
  return withMissing(target, async (_connection, _namespace, missing) => missing);
}
