/**
 * `shardWorkers`: who takes a path's shards, as a Temporal activity. Every faultline worker also
 * polls the experiment queue's shard queue (`faultline-shards`) with room for one shard at a time,
 * so Temporal hands N shards to N different workers, on one machine or many; a worker lost mid-run
 * frees its slot, and the shard's retry goes to whichever worker has one. `shardWorkers` counts
 * the live ones before an experiment starts.
 */
import os from 'node:os';
import { isLive, taskQueuePollers } from '../../platform/task-queue-pollers';
import { sharedClient } from '../../platform/temporal-client';
import { configuredTemporal } from '../../platform/temporal-target';

/** A poller seen within this long is a live worker (idle workers poll again at least every minute). */
const LIVE_POLLER_MS = 75_000;

/** This process's identity as its Temporal worker reports it (the SDK's default). */
export const workerIdentity = `${process.pid}@${os.hostname()}`;

/** The identities of the workers polling `taskQueue` for activities now. */
export async function shardWorkers(taskQueue: string): Promise<string[]> {
  const client = await sharedClient();
  const pollers = await taskQueuePollers(client.workflowService, configuredTemporal().namespace, taskQueue, 'activity');
  const now = Date.now();
  return pollers
    .filter((p) => isLive(p, now, LIVE_POLLER_MS))
    .map((p) => p.identity)
    .sort();
}
