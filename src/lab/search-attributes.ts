/**
 * Registers faultline's search attributes on a Temporal server (dev server or any other), once.
 * `faultline setup` calls this against whatever TEMPORAL_ADDRESS names.
 */
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../shared/names';
import { labSettings } from './lab-settings';

const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

/** Returns the names it added (empty when all were there). */
export async function ensureSearchAttributes(): Promise<string[]> {
  const settings = labSettings();
  const connection = await Connection.connect({ address: settings.temporalAddress, connectTimeout: '5s' });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace: settings.temporalNamespace });
    const present = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !present.has(name));
    if (missing.length === 0) return [];
    await connection.operatorService.addSearchAttributes({
      namespace: settings.temporalNamespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_TYPES[type]!])),
    });
    return missing.map(([name]) => name);
  } finally {
    await connection.close();
  }
}

export async function missingSearchAttributes(): Promise<string[]> {
  const settings = labSettings();
  const connection = await Connection.connect({ address: settings.temporalAddress, connectTimeout: '5s' });
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace: settings.temporalNamespace });
    const present = new Set(Object.keys(existing.customAttributes ?? {}));
    return Object.keys(SEARCH_ATTRIBUTES).filter((name) => !present.has(name));
  } finally {
    await connection.close();
  }
}
