/**
 * The workers polling a task queue, as the server last saw them (DescribeTaskQueue's pollers): who,
 * which build (their worker deployment version), and when each last polled. An idle worker's long
 * poll lasts a minute, so a live one has polled within LIVE_POLLER_MS; a stopped one stays listed
 * for minutes.
 */
import { temporal } from '@temporalio/proto';

export const LIVE_POLLER_MS = 90_000;

export interface SeenPoller {
  identity: string;
  /** Its worker deployment version's build id; undefined for an unversioned worker. */
  buildId: string | undefined;
  /** When the server last saw it poll (ms since the epoch). */
  lastAccessMs: number;
}

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;
const TYPES = {
  workflow: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  activity: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
};

export async function taskQueuePollers(
  service: WorkflowService,
  namespace: string,
  taskQueue: string,
  type: keyof typeof TYPES = 'workflow',
): Promise<SeenPoller[]> {
  const { pollers } = await service.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: TYPES[type],
  });
  return (pollers ?? []).map((p) => ({
    identity: p.identity ?? '?',
    buildId: p.deploymentOptions?.buildId || undefined,
    lastAccessMs: Number(p.lastAccessTime?.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime?.nanos ?? 0) / 1e6),
  }));
}

export const isLive = (p: SeenPoller, nowMs: number, withinMs = LIVE_POLLER_MS): boolean =>
  nowMs - p.lastAccessMs <= withinMs;
