/** Taking and giving back the locks on what the experiment's fault touches (see ../target-lock.ts). */
import {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  patched,
  startChild,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { releaseSignal, targetLock, targetLockId, targetLocks, type TargetLock } from '../target-lock';
import { act, STEP } from './activity-options';
import type { ExperimentState } from './state';

/** Experiments started before the lock existed replay without it. */
const LOCK_PATCH = 'target-lock';
/** Those started before every touched thing was locked replay with their one lock, named by the fault's kind. */
const EVERY_THING_PATCH = 'lock-every-touched-thing';

/** Starts the lock's child workflow; undefined when another experiment holds it. */
async function take(lockId: string, workflowId: string): Promise<ChildWorkflowHandle<typeof targetLock> | undefined> {
  try {
    return await startChild(targetLock, {
      workflowId: lockId,
      args: [workflowId],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      // A cancelled experiment still restores and reports: its lock must outlive the cancellation.
      cancellationType: ChildWorkflowCancellationType.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return undefined;
  }
}

/**
 * Takes a lock on every thing the fault touches, one after the other in their one order; false
 * (and `s.refused` says which thing, and who holds it) when another experiment holds one: those
 * already taken are given back, and nothing was touched.
 */
export async function lockTarget(s: ExperimentState, workflowId: string): Promise<boolean> {
  if (!s.definition.fault || !s.resolvedTarget || !patched(LOCK_PATCH)) return true;
  const everyThing = patched(EVERY_THING_PATCH);
  const locks: TargetLock[] = everyThing
    ? targetLocks(s.definition.fault.kind, s.resolvedTarget)
    : [{ id: targetLockId(s.definition.fault.kind, s.resolvedTarget.name), what: s.resolvedTarget.name }];
  for (const lock of locks) {
    const held = await take(lock.id, workflowId);
    if (held) {
      s.locks.push(held);
      continue;
    }
    await unlockTarget(s);
    const owner = await act(STEP, `Who holds the lock on ${everyThing ? lock.what : s.target}`).lockOwner(lock.id);
    const one = everyThing ? 'thing' : 'target';
    s.refused = `${lock.what} is already under an experiment (${owner ?? 'unknown'}, lock ${lock.id}); two experiments never fault one ${one} at once, so nothing was touched`;
    return false;
  }
  return true;
}

/** Gives every lock back; a lock already gone (terminated by hand, say) is fine. */
export async function unlockTarget(s: ExperimentState): Promise<void> {
  const locks = s.locks.splice(0);
  await Promise.all(
    locks.map(async (lock) => {
      try {
        await lock.signal(releaseSignal);
        await lock.result();
      } catch {
        // Nothing to give back.
      }
    }),
  );
}
