/** `lockOwner`: which experiment holds a target's lock (the lock workflow's parent). */
import { sharedClient } from '../../platform/temporal-client';

export async function lockOwner(lockId: string): Promise<string | null> {
  const client = await sharedClient();
  try {
    const description = await client.workflow.getHandle(lockId).describe();
    return description.parentExecution?.workflowId ?? null;
  } catch {
    return null;
  }
}
