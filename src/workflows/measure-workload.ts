/**
 * Runs the workload on one connection for a while and returns what it measured. Cancelled, it
 * still returns the figures measured up to the cancellation (carried by the activity's failure).
 */
import { ActivityCancellationType, isCancellation, proxyActivities } from '@temporalio/workflow';
import { measuredBeforeCancel } from './cancelled-details';
import type * as activities from '../activities';
import type { RunWorkloadInput } from '../activities/workload/run-workload';
import type { WorkloadResult } from '../shared/workload-types';

const { runWorkload } = proxyActivities<typeof activities>({
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
});

export async function measureWorkload(input: RunWorkloadInput): Promise<WorkloadResult> {
  try {
    return await runWorkload(input);
  } catch (err) {
    const measured = isCancellation(err) ? measuredBeforeCancel<WorkloadResult>(err) : undefined;
    if (measured) return measured;
    throw err;
  }
}
