/** Taking and giving back the target's lock (see ../target-lock.ts). */
import { ChildWorkflowCancellationType, ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { releaseSignal, targetLock, targetLockId } from '../target-lock';
import { act, STEP } from './activity-options';
import type { ExperimentState } from './state';

/** Experiments started before the lock existed replay without it. */
const LOCK_PATCH = 'target-lock';

/** Takes the lock of the experiment's target; false (and `s.refused` says why) when another holds it. */
export async function lockTarget(s: ExperimentState, workflowId: string): Promise<boolean> {
  if (!s.definition.fault || !s.resolvedTarget || !patched(LOCK_PATCH)) return true;
  const lockId = targetLockId(s.definition.fault.kind, s.resolvedTarget.name);
  try {
    s.lock = await startChild(targetLock, {
      workflowId: lockId,
      args: [workflowId],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      // A cancelled experiment still restores and reports: its lock must outlive the cancellation.
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
    return true;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const owner = await act(STEP, `Who holds the lock on ${s.target}`).lockOwner(lockId);
    s.refused = `${s.resolvedTarget.name} is already under an experiment (${owner ?? 'unknown'}, lock ${lockId}); two experiments never fault one target at once, so nothing was touched`;
    return false;
  }
}

/** Gives the lock back; a lock already gone (terminated by hand, say) is fine. */
export async function unlockTarget(s: ExperimentState): Promise<void> {
  const lock = s.lock;
  if (!lock) return;
  s.lock = undefined;
  try {
    await lock.signal(releaseSignal);
    await lock.result();
  } catch {
    // Nothing to give back.
  }
}
