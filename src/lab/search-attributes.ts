/**
 * Registers faultline's search attributes on a Temporal server (dev server or any other), once.
 * `faultline setup` calls this against the configured Temporal (temporal-target.ts), `up` against
 * the lab's dev server.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../shared/experiment-contract';
import { connectTemporal } from '../platform/temporal-connection';
import { configuredTemporal, describeTarget, type TemporalTarget } from '../platform/temporal-target';
import { refusalOf, type RefusedRegistration } from './search-attribute-instructions';

const INDEXED_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

async function missingOn(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const present = new Set(Object.keys(existing.customAttributes ?? {}));
  return SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name).filter((name) => !present.has(name));
}

/**
 * Attributes earlier versions registered and this one no longer sets. A dev server allows three Int
 * attributes: the lab's drops these before adding their successors (FaultlinePaymentsLost became
 * FaultlineWritesLost); on any other server they are left alone, and its history keeps them.
 */
const RETIRED = ['FaultlinePaymentsLost'];

async function retire(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const present = RETIRED.filter((name) => name in (existing.customAttributes ?? {}));
  if (present.length) await connection.operatorService.removeSearchAttributes({ namespace, searchAttributes: present });
}

async function add(connection: Connection, namespace: string, missing: string[]): Promise<void> {
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((name) => [name, INDEXED_TYPES[SEARCH_ATTRIBUTE_DEFINITIONS.find((d) => d.name === name)!.type]!]),
    ),
  });
}

/**
 * The names it added (empty when all were there); or, when the server will not let this caller
 * list or add them (PERMISSION_DENIED, UNIMPLEMENTED), what is missing and why, to tell people.
 */
export async function registerSearchAttributes(
  target: TemporalTarget = configuredTemporal(),
  options: { retireOld?: boolean } = {},
): Promise<{ added: string[] } | RefusedRegistration> {
  const connection = await connectTemporal(target);
  const all = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name);
  let missing = all;
  try {
    missing = await missingOn(connection, target.namespace);
    if (options.retireOld && missing.length) await retire(connection, target.namespace);
    await add(connection, target.namespace, missing);
    return { added: missing };
  } catch (err) {
    const refusal = refusalOf(err);
    if (!refusal) throw err;
    return {
      server: describeTarget(target),
      namespace: target.namespace,
      refusal,
      missing: SEARCH_ATTRIBUTE_DEFINITIONS.filter((d) => missing.includes(d.name)),
      existing: all.filter((name) => !missing.includes(name)),
    };
  } finally {
    await connection.close();
  }
}

/** Returns the names it added (empty when all were there); throws when the server refuses. */
export async function ensureSearchAttributes(
  target: TemporalTarget = configuredTemporal(),
  options: { retireOld?: boolean } = {},
): Promise<string[]> {
  const registered = await registerSearchAttributes(target, options);
  if ('added' in registered) return registered.added;
  throw new Error(`${registered.server} refused to register search attributes: ${registered.refusal}`);
}

export async function missingSearchAttributes(target: TemporalTarget = configuredTemporal()): Promise<string[]> {
  const connection = await connectTemporal(target);
  try {
    return await missingOn(connection, target.namespace);
  } finally {
    await connection.close();
  }
}
