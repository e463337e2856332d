/**
 * What `run` and `start` bring up before they start an experiment: the lab (containers, dev server,
 * workers) when the configured Temporal is the lab's dev server, else nothing: they only talk to
 * the configured server, and say so, warning when no worker polls the experiment queue there.
 */
import { temporal } from '@temporalio/proto';
import { labUp } from '../lab/lab';
import type { Client } from '@temporalio/client';
import { configuredTemporal, describeTarget } from '../platform/temporal-target';
import { experimentTaskQueue } from '../platform/settings';

export async function labIfConfigured(): Promise<void> {
  const target = configuredTemporal();
  if (target.lab) return labUp();
  process.stderr.write(`Temporal: ${describeTarget(target)}; the lab is not started (\`faultline up\` starts it)\n`);
}

/** Warns when no worker polls the experiment queue on the configured server: the run would wait. */
export async function warnWithoutWorkers(client: Client): Promise<void> {
  const target = configuredTemporal();
  if (target.lab) return;
  const taskQueue = experimentTaskQueue();
  const response = await client.workflowService
    .describeTaskQueue({
      namespace: target.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    })
    .catch(() => undefined);
  if (response && (response.pollers ?? []).length === 0)
    process.stderr.write(
      `warning: no worker polls task queue ${taskQueue} on ${target.address} (namespace ${target.namespace}): ` +
        'the experiment waits until one does (`faultline worker`, configured like this shell)\n',
    );
}
