/**
 * What `run` and `start` bring up before they start an experiment: the lab (containers, dev server,
 * workers) when the configured Temporal is the lab's dev server, else nothing: they only talk to
 * the configured server, and say so, warning when no worker polls the experiment queue there.
 */
import { labUp } from '../lab/lab';
import type { Client } from '@temporalio/client';
import { configuredTemporal, describeTarget } from '../platform/temporal-target';
import { experimentTaskQueue } from '../platform/settings';
import { taskQueuePollers } from '../platform/task-queue-pollers';

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
  const pollers = await taskQueuePollers(client.workflowService, target.namespace, taskQueue).catch(() => undefined);
  if (pollers && pollers.length === 0)
    process.stderr.write(
      `warning: no worker polls task queue ${taskQueue} on ${target.address} (namespace ${target.namespace}): ` +
        'the experiment waits until one does (`faultline worker`, configured like this shell)\n',
    );
}
