/**
 * The workloads' live figures as their activities last heartbeated them (within a second), read
 * from the workflow's description: fresher than the status query's counters, which arrive by
 * progress signals a few times per experiment.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, fromPayloadsAtIndex } from '@temporalio/common';
import { effectiveErrorRate } from '../activities/workload/measurement/error-budget';
import type { WorkloadProgress } from '../shared/workload-types';
import { liveByPath } from '../shared/live-progress';

export async function liveWorkloads(handle: WorkflowHandle): Promise<WorkloadProgress[]> {
  const description = await handle.describe();
  const live: WorkloadProgress[] = [];
  for (const activity of description.raw.pendingActivities ?? []) {
    if (activity.activityType?.name !== 'measurePath' && activity.activityType?.name !== 'runWorkload') continue;
    const details = fromPayloadsAtIndex<unknown>(defaultPayloadConverter, 0, activity.heartbeatDetails?.payloads ?? []);
    const progress =
      (details as { progress?: WorkloadProgress } | undefined)?.progress ?? (details as WorkloadProgress | undefined);
    if (progress && typeof progress.connection === 'string' && typeof progress.opsPerSecond === 'number')
      live.push(progress);
  }
  return liveByPath(live);
}

/** `direct: 12 ops/s, 0% errors`; during a stall `proxy: STALLED, 3 ops held 4.2 s`. */
export function formatProgress(w: WorkloadProgress): string {
  if (w.down && w.stalled > 0 && w.opsPerSecond === 0) {
    return `${w.connection}: STALLED, ${w.stalled} op${w.stalled === 1 ? '' : 's'} held ${(w.oldestInFlightMs / 1000).toFixed(1)} s, down ${(w.downtimeMs / 1000).toFixed(1)} s so far`;
  }
  const rate = `${w.opsPerSecond} ops/s, ${(effectiveErrorRate(w) * 100).toFixed(0)}% errors`;
  const stalled = w.stalled > 0 ? `, ${w.stalled} held ${(w.oldestInFlightMs / 1000).toFixed(1)} s` : '';
  return `${w.connection}: ${rate}${stalled}${w.down ? ', DOWN' : ''}`;
}
