/**
 * `shardWorkers`: who takes a path's shards, as a Temporal activity. Every faultline worker also
 * polls the experiment queue's shard queue (`faultline-shards`) with room for one shard at a time,
 * so Temporal hands N shards to N different workers, on one machine or many; a worker lost mid-run
 * frees its slot, and the shard's retry goes to whichever worker has one. `shardWorkers` counts
 * the live ones before an experiment starts.
 */
import os from 'node:os';
import { temporal } from '@temporalio/proto';
import { sharedClient } from '../../platform/temporal-client';
import { configuredTemporal } from '../../platform/temporal-target';

/** A poller seen within this long is a live worker (idle workers poll again at least every minute). */
const LIVE_POLLER_MS = 75_000;

/** This process's identity as its Temporal worker reports it (the SDK's default). */
export const workerIdentity = `${process.pid}@${os.hostname()}`;

/** The identities of the workers polling `taskQueue` for activities now. */
export async function shardWorkers(taskQueue: string): Promise<string[]> {
  const client = await sharedClient();
  const response = await client.workflowService.describeTaskQueue({
    namespace: configuredTemporal().namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  const now = Date.now();
  return (response.pollers ?? [])
    .filter((p) => now - Number(p.lastAccessTime?.seconds ?? 0) * 1000 <= LIVE_POLLER_MS)
    .map((p) => p.identity ?? '')
    .sort();
}
