/**
 * `registeredSearchAttributes`: which of faultline's search attributes the Temporal server has, for
 * the workflow to upsert only those (an upsert of one the server lacks fails the workflow task).
 */
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../shared/experiment-contract';
import { sharedClient } from '../../platform/temporal-client';
import { configuredTemporal } from '../../platform/temporal-target';

export async function registeredSearchAttributes(): Promise<string[]> {
  const client = await sharedClient();
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({
    namespace: configuredTemporal().namespace,
  });
  const present = new Set(Object.keys(customAttributes ?? {}));
  return SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name).filter((name) => present.has(name));
}
