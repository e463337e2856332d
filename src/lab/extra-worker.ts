/**
 * A faultline worker beside the lab's, on a task queue of its own and with an environment of its
 * own (connections, RDS endpoint): for a test or a script whose experiment must not run on the
 * lab's worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../platform/settings';
import { temporalTarget } from '../platform/temporal-target';
import { workerIsPolling } from './worker-processes';

export async function startExtraWorker(queue: string, env: NodeJS.ProcessEnv, logPath: string): Promise<ChildProcess> {
  mkdirSync(path.dirname(logPath), { recursive: true });
  const out = openSync(logPath, 'a');
  const worker = spawn(path.join(PROJECT_ROOT, 'bin', 'faultline'), ['worker'], {
    env: { ...process.env, FAULTLINE_TASK_QUEUE: queue, ...env },
    stdio: ['ignore', out, out],
  });
  const deadline = Date.now() + 120_000;
  // Asked of the Temporal the worker was given (its namespace, through its TLS front).
  const target = temporalTarget({ ...process.env, ...env });
  while (!(await workerIsPolling(queue, worker.pid!, target))) {
    if (worker.exitCode !== null)
      throw new Error(`the worker for ${queue} exited (${worker.exitCode}); see ${logPath}`);
    if (Date.now() > deadline) throw new Error(`the worker did not poll ${queue} within 120 s; see ${logPath}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return worker;
}

export async function stopExtraWorker(worker: ChildProcess | undefined): Promise<void> {
  if (!worker || worker.exitCode !== null) return;
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
}
