/**
 * The search attributes the experiment sets, only those the Temporal server has: an upsert of one it
 * does not know fails the workflow task, over and over, and the experiment would hang (a fault
 * injected and never rolled back). Which it has is asked once per run, before the first upsert.
 */
import { isCancellation, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../shared/experiment-contract';
import { errorText } from '../error-text';
import { act, LOOKUP } from './activity-options';
import type { ExperimentState } from './state';

/** Experiments started before this replay without the question, upserting every attribute as they did. */
const SEARCH_ATTRIBUTES_PATCH = 'search-attributes-present';

/** Sets `s.searchAttributesMissing` to those the server lacks (left unset when it has them all). */
export async function learnSearchAttributes(s: ExperimentState): Promise<void> {
  if (!patched(SEARCH_ATTRIBUTES_PATCH)) return;
  const all = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name);
  try {
    const registered = new Set(
      await act(LOOKUP, "Which of faultline's search attributes the Temporal server has").registeredSearchAttributes(),
    );
    const names = all.filter((name) => !registered.has(name));
    if (names.length) s.searchAttributesMissing = { names };
  } catch (err) {
    // The server would not say (permission denied, say): upsert none of them. Upserting all could
    // fail every workflow task from here on, the experiment stuck with its fault on; upserting none
    // costs only the Web UI's filters, and the report says so.
    s.searchAttributesMissing = { names: all, unknown: errorText(err) };
    if (isCancellation(err)) throw err;
  }
}

/** upsertSearchAttributes, without those the server lacks (nothing at all when none is left). */
export function upsert(s: ExperimentState, pairs: SearchAttributeUpdatePair[]): void {
  const missing = new Set(s.searchAttributesMissing?.names ?? []);
  const known = pairs.filter((p) => !missing.has(p.key.name));
  if (known.length) upsertSearchAttributes(known);
}
