/**
 * The experiments' locks held now (workflows/target-lock.ts: lock workflows still running) and the
 * experiment holding each. While one is held on a container or a Patroni cluster, the lab's
 * start-up leaves the containers as they are: another experiment's fault may be on (a paused
 * database is never healthy, and `docker-compose up` would start a container that experiment
 * stopped, undoing its fault behind its back); that experiment restores what it did.
 */
import { connectClient } from '../platform/temporal-connection';
import { labTemporalTarget } from '../platform/temporal-target';
import { TARGET_LOCK_WORKFLOW_TYPE } from '../shared/experiment-contract';
import { temporalIsUp } from './temporal-dev-server';

export interface HeldLock {
  lockId: string;
  /** The experiment's workflow id (the lock's parent), null when it is not known. */
  owner: string | null;
}

/** Locks on the lab's things: any but an RDS cluster's (lock ids of target-lock.ts, old ones too). */
export const onLabContainers = (lockId: string): boolean =>
  lockId.startsWith('faultline-lock-') && !lockId.startsWith('faultline-lock-rds-');

/** The locks held now; none when the Temporal server is not up (nothing can hold one then). */
export async function heldLocks(): Promise<HeldLock[]> {
  if (!(await temporalIsUp())) return [];
  const client = await connectClient(labTemporalTarget());
  try {
    const held: HeldLock[] = [];
    const query = `WorkflowType = '${TARGET_LOCK_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
    for await (const lock of client.workflow.list({ query })) {
      // A list may not carry the parent: the lock's own description does.
      const parent =
        lock.parentExecution ??
        (await client.workflow
          .getHandle(lock.workflowId)
          .describe()
          .then((d) => d.parentExecution)
          .catch(() => undefined));
      held.push({ lockId: lock.workflowId, owner: parent?.workflowId ?? null });
    }
    return held.sort((a, b) => a.lockId.localeCompare(b.lockId));
  } finally {
    await client.connection.close();
  }
}

/** `experiment X holds lock Y, ...`, for the lab's line. */
export const heldLocksText = (held: HeldLock[]): string =>
  held.map((l) => `experiment ${l.owner ?? '(unknown)'} holds lock ${l.lockId}`).join('; ');
