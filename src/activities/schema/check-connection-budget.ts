/**
 * Before anything runs, the servers must accept every connection the experiment opens: each path's
 * workload and steady-state checks, background pgbench, the probe's logins, the payment service's
 * pool and the audit (connection-demand.ts), summed per server over the named connections that
 * reach it (connection-limits.ts finds which, and its limit). Over a limit, the experiment is
 * refused (`ConnectionBudgetExceeded`), the message naming the fields and the numbers; a limit that
 * could not be read is listed in the result, not guessed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { tallyConnections, type ConnectionBudget } from '../../shared/connection-budget';
import { connectionDemand, demandedConnections, type DemandInput } from '../../shared/connection-demand';
import { locateConnection } from '../../platform/database/connection-limits';
import { paymentServiceConnection } from '../../service/client/service-url';

export type ConnectionBudgetInput = Omit<DemandInput, 'serviceConnection'>;

/** The budget, each named connection located (`faultline run --dry-run` shows it too). */
export async function connectionBudget(input: ConnectionBudgetInput): Promise<ConnectionBudget> {
  const terms = connectionDemand({
    ...input,
    ...(input.payments ? { serviceConnection: paymentServiceConnection() } : {}),
  });
  const locations = await Promise.all(demandedConnections(terms).map((c) => locateConnection(c)));
  return tallyConnections(terms, locations);
}

export async function checkConnectionBudget(input: ConnectionBudgetInput): Promise<ConnectionBudget> {
  const budget = await connectionBudget(input);
  if (budget.exceeded) throw ApplicationFailure.nonRetryable(budget.exceeded, 'ConnectionBudgetExceeded');
  return budget;
}
