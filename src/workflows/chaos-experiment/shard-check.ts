/**
 * A path measured in shards (`workload.shards`) must measure with all its clients before anything
 * is injected: every shard on a worker of its own, each having measured operations. The task
 * queue's poller list is only a first check (a gone worker stays listed for about a minute); the
 * shards' own word, their first progress signal naming their worker, is the proof.
 */
import { condition, patched, workflowInfo } from '@temporalio/workflow';
import { act, STEP } from './activity-options';
import { shardTaskQueue } from '../../shared/experiment-contract';
import type { ExperimentState } from './state';

/** How long after the warmup every shard may take to be heard measuring. */
const SHARDS_MEASURING_TIMEOUT_MS = 30_000;
const SHARDS_MEASURING_PATCH = 'every-shard-measuring-before-inject';

const startHint = (shards: number) =>
  `start more (\`faultline up --workers ${shards}\`, or \`faultline worker\` on other machines)`;

/** With `workload.shards` N, N workers must poll the shard queue (one shard each), or nothing runs. */
export async function enoughShardWorkers(s: ExperimentState): Promise<boolean> {
  const shards = s.definition.workload.shards;
  if (shards === 1) return true;
  const queue = shardTaskQueue(workflowInfo().taskQueue);
  const workers = await act(STEP, `Count the workers taking shards on ${queue}`).shardWorkers(queue);
  if (workers.length >= shards) return true;
  s.refused =
    `workload.shards: ${shards} shards need ${shards} workers polling ${queue}, and ${workers.length} do; ` +
    startHint(shards);
  return false;
}

/** Why the shards cannot measure the fault as asked, or undefined when every one measures on its own worker. */
export function shardProblem(s: Pick<ExperimentState, 'definition' | 'live'>): string | undefined {
  const { paths, workload } = s.definition;
  const count = workload.shards;
  for (const path of paths) {
    const heard = Array.from({ length: count }, (_, index) => s.live.get(`${path}#${index}`));
    const silent = heard.flatMap((p, index) => (p && p.attempts > 0 ? [] : [index + 1]));
    if (silent.length)
      return (
        `workload.shards: shard${silent.length > 1 ? 's' : ''} ${silent.join(', ')} of ${count} on ${path} measured nothing ` +
        `within ${SHARDS_MEASURING_TIMEOUT_MS / 1000} s of the warmup's end (each shard needs a worker of its own); ${startHint(count)}`
      );
    const byWorker = new Map<string, number[]>();
    heard.forEach((p, index) => {
      const worker = p?.shard?.worker ?? `unknown-${index}`;
      byWorker.set(worker, [...(byWorker.get(worker) ?? []), index + 1]);
    });
    const shared = [...byWorker.entries()].find(([, shardsOn]) => shardsOn.length > 1);
    if (shared)
      return `workload.shards: shards ${shared[1].join(', ')} of ${path} measured on one worker (${shared[0]}); each needs its own; ${startHint(count)}`;
  }
  return undefined;
}

/** Waits for every shard to be heard measuring; false (the experiment refused) when one is not. */
export async function everyShardMeasuring(s: ExperimentState): Promise<boolean> {
  if (s.definition.workload.shards === 1 || !patched(SHARDS_MEASURING_PATCH)) return true;
  await condition(
    () => shardProblem(s) === undefined || s.abort !== undefined || s.refused !== undefined,
    SHARDS_MEASURING_TIMEOUT_MS,
  );
  if (s.abort) return false;
  s.refused ??= shardProblem(s);
  return s.refused === undefined;
}
