/**
 * Runs the workload on one connection for a while and returns what it measured. Cancelled, it
 * still returns the figures measured up to the cancellation (carried by the activity's failure).
 */
import { ActivityCancellationType, isCancellation, proxyActivities, ActivityFailure, CancelledFailure } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { RunWorkloadInput } from '../activities/workload/run-workload';
import type { WorkloadResult } from '../shared/workload-types';

const { runWorkload } = proxyActivities<typeof activities>({
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
});

/** The figures a cancelled workload activity handed back, if any. */
export function measuredBeforeCancel<T = WorkloadResult>(err: unknown): T | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof CancelledFailure && cause.details.length > 0) return cause.details[0] as T;
  return undefined;
}

export async function measureWorkload(input: RunWorkloadInput): Promise<WorkloadResult> {
  try {
    return await runWorkload(input);
  } catch (err) {
    const measured = isCancellation(err) ? measuredBeforeCancel(err) : undefined;
    if (measured) return measured;
    throw err;
  }
}
