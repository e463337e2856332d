/**
 * The lab's worker processes (`faultline worker`, and the payment service: `faultline service`),
 * started in the background. A worker whose sources changed since it started is restarted, so a test run never
 * talks to stale code; an up-to-date one is reused.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { taskQueuePollers } from '../platform/task-queue-pollers';
import { hashSourceTree } from '../platform/source-tree-hash';
import { connectClient } from '../platform/temporal-connection';
import { labTemporalEnv, labTemporalTarget, type TemporalTarget } from '../platform/temporal-target';
import { runningProcess, startBackgroundProcess, stopBackgroundProcess } from './background-process';
import { labSettings, PROJECT_ROOT } from '../platform/settings';
import { waitUntil } from './wait-until';
import { keepWhilePinned, stopDrained } from './draining-workers';
import { labRdsEnv, labWorkerAwsEnv } from './aurora-lab';

export interface WorkerSpec {
  /** Process name (state and log file). */
  name: string;
  /** `bin/faultline` sub-command that runs it. */
  args: string[];
  taskQueue: string;
  /** Added to the environment it starts with. */
  env?: Record<string, string>;
}

/** A hash of everything a worker runs: the sources, init.sql, the lockfile and its RDS endpoint. */
export function sourceVersion(): string {
  const hash = hashSourceTree(createHash('sha256'));
  hash.update(readFileSync(path.join(PROJECT_ROOT, 'init.sql')));
  hash.update(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json')));
  // Where the worker's RDS client points (not credentials): a change means a restart.
  const rds = labRdsEnv();
  hash.update(`${rds.FAULTLINE_RDS_ENDPOINT ?? ''}|${rds.AWS_REGION ?? process.env.AWS_REGION ?? ''}`);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The named connections and HTTP targets this shell would give a worker (FAULTLINE_CONNECTION_*,
 * FAULTLINE_HTTP_*), and where it would let custom statements run (FAULTLINE_CUSTOM_SQL), as a keyed
 * hash: the key is the lab's own (random, readable by its owner only), so the hash in a state file
 * says nothing about a password.
 */
export function connectionsVersion(): string {
  const keyFile = path.join(labSettings().labDir, 'state', 'connections.key');
  if (!existsSync(keyFile)) {
    mkdirSync(path.dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  const hmac = createHmac('sha256', readFileSync(keyFile, 'utf8'));
  for (const [key, value] of Object.entries(process.env).sort(([a], [b]) => a.localeCompare(b)))
    if (key.startsWith('FAULTLINE_CONNECTION_') || key.startsWith('FAULTLINE_HTTP_') || key === 'FAULTLINE_CUSTOM_SQL')
      hmac.update(`${key}=${value ?? ''}\n`);
  return hmac.digest('hex').slice(0, 16);
}

/** True when a worker process with this pid polls the task queue. */
export async function workerIsPolling(
  taskQueue: string,
  pid: number,
  target: TemporalTarget = labTemporalTarget(),
): Promise<boolean> {
  const client = await connectClient(target);
  try {
    const pollers = await taskQueuePollers(client.workflowService, target.namespace, taskQueue);
    return pollers.some((p) => p.identity.startsWith(`${pid}@`));
  } finally {
    await client.connection.close();
  }
}

/**
 * Starts the worker, or restarts it when its code changed; `applyConnections` (faultline up): also
 * when this shell's named connections differ from those it runs with. Without it (run, start, the
 * tests) a worker with other connections is kept, with a warning: an experiment in flight on it
 * goes on, and a shell without the exports does not take the connections away.
 */
export async function startWorker(
  spec: WorkerSpec,
  applyConnections = false,
): Promise<'reused' | 'started' | 'restarted'> {
  await stopDrained(spec);
  const code = sourceVersion();
  const version = `${code}.${connectionsVersion()}`;
  const running = runningProcess(spec.name);
  if (running?.version === version) return 'reused';
  if (running?.version?.startsWith(`${code}.`) && !applyConnections) {
    process.stderr.write(
      `lab: ${spec.name} runs with other FAULTLINE_CONNECTION_*, FAULTLINE_HTTP_* or FAULTLINE_CUSTOM_SQL values than this shell's; \`bin/faultline up\` from a shell with the ones you want restarts it with them\n`,
    );
    return 'reused';
  }
  // Another build: kept while workflows are pinned to it (draining-workers.ts), else stopped.
  const oldBuild = running?.version?.split('.')[0];
  const kept = running && oldBuild && oldBuild !== code ? await keepWhilePinned(spec, oldBuild) : false;
  if (running && !kept) await stopBackgroundProcess(spec.name);
  const state = startBackgroundProcess(spec.name, path.join(PROJECT_ROOT, 'bin', 'faultline'), spec.args, {
    version,
    // Its build id is the lab's source version (platform/worker-deployment.ts); the lab's `up` is its
    // deploy step, so its build becomes current at once (platform/current-version.ts).
    env: {
      ...labWorkerAwsEnv(labTemporalEnv()),
      FAULTLINE_BUILD_ID: code,
      FAULTLINE_BECOME_CURRENT: 'on-start',
      ...spec.env,
    },
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
