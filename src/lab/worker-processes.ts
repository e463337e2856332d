/**
 * The lab's worker processes (`faultline worker`, later the payment service), started in the
 * background. A worker whose sources changed since it started is restarted, so a test run never
 * talks to stale code; an up-to-date one is reused.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { connectClient } from '../platform/temporal-connection';
import { runningProcess, startBackgroundProcess, stopBackgroundProcess } from './background-process';
import { labSettings, PROJECT_ROOT } from '../platform/settings';
import { waitUntil } from './wait-until';

export interface WorkerSpec {
  /** Process name (state and log file). */
  name: string;
  /** `bin/faultline` sub-command that runs it. */
  args: string[];
  taskQueue: string;
  /** Added to the environment it starts with. */
  env?: Record<string, string>;
}

/** A hash of everything a worker runs: the sources, init.sql, the lockfile, its RDS endpoint and named connections. */
export function sourceVersion(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(full).update(readFileSync(full));
    }
  };
  walk(path.join(PROJECT_ROOT, 'src'));
  hash.update(readFileSync(path.join(PROJECT_ROOT, 'init.sql')));
  hash.update(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json')));
  // Where the worker's RDS client points (not credentials): a change means a restart.
  hash.update(`${process.env.FAULTLINE_RDS_ENDPOINT ?? ''}|${process.env.AWS_REGION ?? ''}`);
  // The named connections it resolves (hashed with the rest, never stored as such): a new one restarts it.
  for (const [key, value] of Object.entries(process.env).sort(([a], [b]) => a.localeCompare(b)))
    if (key.startsWith('FAULTLINE_CONNECTION_')) hash.update(`|${key}=${value ?? ''}`);
  return hash.digest('hex').slice(0, 16);
}

/** True when a worker process with this pid polls the task queue. */
export async function workerIsPolling(taskQueue: string, pid: number): Promise<boolean> {
  const client = await connectClient();
  try {
    const response = await client.workflowService.describeTaskQueue({
      namespace: labSettings().temporalNamespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (response.pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
  } finally {
    await client.connection.close();
  }
}

export async function startWorker(spec: WorkerSpec): Promise<'reused' | 'started' | 'restarted'> {
  const version = sourceVersion();
  const running = runningProcess(spec.name);
  if (running?.version === version) return 'reused';
  if (running) await stopBackgroundProcess(spec.name);
  const state = startBackgroundProcess(spec.name, path.join(PROJECT_ROOT, 'bin', 'faultline'), spec.args, {
    version,
    env: { ...process.env, ...spec.env },
  });
  await waitUntil(
    `${spec.name} polling task queue ${spec.taskQueue}`,
    async () => {
      if (!runningProcess(spec.name)) throw new Error(`${spec.name} exited; see .lab/logs/${spec.name}.log`);
      return workerIsPolling(spec.taskQueue, state.pid);
    },
    { timeoutMs: 120_000, intervalMs: 500, hint: `see .lab/logs/${spec.name}.log` },
  );
  return running ? 'restarted' : 'started';
}

export async function stopWorker(spec: WorkerSpec): Promise<boolean> {
  return stopBackgroundProcess(spec.name);
}
