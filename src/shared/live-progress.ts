/**
 * A path measured in shards (`workload.shards`) sends live figures per shard; people see the path.
 * Counters and rates add up; the path is down when a shard is (its clients see the outage), since
 * the earliest of them; the downtime so far is the longest of the shards' (their windows overlap:
 * the same database). Pure: the workflow's status query and the CLI both use it.
 */
import type { WorkloadProgress } from './workload-types';

function merged(shards: WorkloadProgress[]): WorkloadProgress {
  if (shards.length === 1) return shards[0]!;
  const latest = shards.reduce((a, b) => (b.at > a.at ? b : a));
  const sum = (pick: (p: WorkloadProgress) => number) => shards.reduce((n, p) => n + pick(p), 0);
  const opsPerSecond = sum((p) => p.opsPerSecond);
  const downSince = shards
    .map((p) => p.downSince)
    .filter((d): d is string => d !== null)
    .sort()[0];
  const { shard: _shard, ...rest } = latest;
  return {
    ...rest,
    elapsedMs: Math.max(...shards.map((p) => p.elapsedMs)),
    attempts: sum((p) => p.attempts),
    successes: sum((p) => p.successes),
    failures: sum((p) => p.failures),
    opsPerSecond,
    errorRate: opsPerSecond > 0 ? sum((p) => p.errorRate * p.opsPerSecond) / opsPerSecond : 0,
    down: shards.some((p) => p.down),
    downSince: downSince ?? null,
    stalled: sum((p) => p.stalled),
    oldestInFlightMs: Math.max(...shards.map((p) => p.oldestInFlightMs)),
    downtimeMs: Math.max(...shards.map((p) => p.downtimeMs)),
    held: sum((p) => p.held),
    shards: shards.length,
  };
}

/** One entry per path, its shards' figures merged, in path order. */
export function liveByPath(progress: WorkloadProgress[]): WorkloadProgress[] {
  const byPath = new Map<string, WorkloadProgress[]>();
  for (const p of progress) byPath.set(p.connection, [...(byPath.get(p.connection) ?? []), p]);
  return [...byPath.keys()].sort().map((path) => merged(byPath.get(path)!));
}

/** Where the workflow keeps a shard's latest figures. */
export const liveKey = (p: WorkloadProgress): string => `${p.connection}#${p.shard?.index ?? 0}`;
