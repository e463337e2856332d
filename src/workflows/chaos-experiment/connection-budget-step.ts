/**
 * The connection budget, before anything runs: the servers must accept every connection the
 * experiment opens (activities/schema/check-connection-budget.ts). Over a limit, the experiment
 * ends not-run, touching nothing, and the reason names the fields and the numbers.
 */
import { patched } from '@temporalio/workflow';
import { act, STEP } from './activity-options';
import { refusedAs } from '../error-text';
import type { ExperimentState } from './state';

/** Experiments started before the budget existed replay without it. */
const CONNECTION_BUDGET_PATCH = 'connection-budget';

/** True when every server accepts the experiment's connections; false (`s.refused` says why) when one does not. */
export async function withinConnectionBudget(s: ExperimentState): Promise<boolean> {
  if (!patched(CONNECTION_BUDGET_PATCH)) return true;
  const { paths, workload, payments, fault } = s.definition;
  try {
    await act(STEP, 'Check that the servers accept every connection the experiment opens').checkConnectionBudget({
      paths,
      workload,
      ...(payments ? { payments } : {}),
      ...(fault ? { fault } : {}),
    });
    return true;
  } catch (err) {
    if (!refusedAs(err, 'ConnectionBudgetExceeded')) throw err;
    s.refused = err.cause.message;
    return false;
  }
}
