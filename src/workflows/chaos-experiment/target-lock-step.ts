/** Taking and giving back the target's lock (see ../target-lock.ts). */
import { ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
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

export async function unlockTarget(s: ExperimentState): Promise<void> {
  if (!s.lock) return;
  await s.lock.signal(releaseSignal);
  await s.lock.result();
  s.lock = undefined;
}
