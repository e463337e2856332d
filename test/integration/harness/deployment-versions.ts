/** A worker deployment as the server sees it: its current build, and the builds polling its queue. */
import { temporal } from '@temporalio/proto';
import { testClient } from './temporal-client';

export async function currentBuild(deploymentName: string): Promise<string | undefined> {
  const client = await testClient();
  const d = await client.workflowService
    .describeWorkerDeployment({ namespace: 'default', deploymentName })
    .catch(() => undefined);
  return d?.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId ?? undefined;
}

/** The build ids of the workers polling a workflow task queue (a deployment's, named by it). */
export async function pollingBuilds(taskQueue: string): Promise<string[]> {
  const client = await testClient();
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return [...new Set((pollers ?? []).map((p) => p.deploymentOptions?.buildId ?? 'unversioned'))].sort();
}
