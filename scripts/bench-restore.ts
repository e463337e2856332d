/**
 * Benchmark (issue 16): how soon a fault is restored when the worker running it is gone.
 *
 *   crash:     the lab's faultline worker is killed (SIGKILL) in the middle of a `stop` of the lab's
 *              database; once the fault window has passed, `bin/faultline up` is run: the time from
 *              `up` to the database serving again (fresh connection on `direct`). `up` leaves the
 *              stopped database as it is (the experiment holds its lock): the worker it starts
 *              resumes the experiment, whose restore starts it.
 *   terminate: the experiment is terminated in the middle of the fault; the dead man's switch (the
 *              lease watchdog in the worker) restores it: the time from the terminate to serving.
 *
 * Needs the lab (`bin/faultline up`); touches only the lab's database. Prints one line per case.
 *
 *   npx tsx scripts/bench-restore.ts [--runs 1]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runningProcess } from '../src/lab/background-process';
import { FAULTLINE_WORKER } from '../src/lab/lab';
import { databaseAnswers } from '../src/platform/database/database-answers';
import { docker } from '../src/platform/docker';
import { labSettings, PROJECT_ROOT } from '../src/platform/settings';
import { connectClient } from '../src/platform/temporal-connection';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE, statusQuery } from '../src/shared/experiment-contract';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FAULT_SECONDS = 8;

const definition = (name: string) => ({
  name,
  paths: ['direct'],
  fault: { kind: 'docker', action: 'stop', target: { container: labSettings().dbContainer }, gracePeriodSeconds: 1 },
  durations: { warmupSeconds: 2, faultSeconds: FAULT_SECONDS, recoveryTimeoutSeconds: 60 },
  steadyState: { windowSeconds: 1 },
  report: { directory: 'test-artifacts/reports' },
});

async function startInFault(name: string) {
  const client = await connectClient();
  const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
    taskQueue: EXPERIMENT_TASK_QUEUE,
    workflowId: `bench-restore-${name}-${Date.now()}`,
    args: [definition(`bench-restore-${name}`)],
  });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    const status = await handle.query(statusQuery).catch(() => undefined);
    if (status?.phase === 'fault') return { client, handle };
  }
  throw new Error('the experiment did not reach its fault phase within 60 s');
}

async function servingSince(from: number): Promise<number> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(20)) {
    if (await databaseAnswers('direct', 1000)) return Date.now() - from;
  }
  throw new Error('the database did not serve again within 120 s');
}

async function dbRunning(): Promise<boolean> {
  const state = (await docker.getContainer(labSettings().dbContainer).inspect()).State;
  return state.Running && !state.Paused;
}

async function crash(): Promise<string> {
  const { client, handle } = await startInFault('crash');
  await sleep(1000);
  const worker = runningProcess(FAULTLINE_WORKER.name);
  if (!worker) throw new Error('the lab worker does not run: bin/faultline up first');
  process.kill(worker.pid, 'SIGKILL');
  // Past the fault window: the restore is due the moment a worker is back.
  await sleep((FAULT_SECONDS + 2) * 1000);
  if (await dbRunning()) throw new Error('the database runs again without a worker: nothing to measure');
  const up = Date.now();
  const upDone = new Promise<number>((resolve, reject) => {
    const child = spawn(path.join(PROJECT_ROOT, 'bin', 'faultline'), ['up'], { stdio: 'ignore' });
    child.once('exit', (code) =>
      code === 0 ? resolve(Date.now() - up) : reject(new Error(`faultline up exited ${code}`)),
    );
  });
  const serving = await servingSince(up);
  const upMs = await upDone;
  await handle.result().catch(() => undefined);
  await client.connection.close();
  return `crash: database serving again ${serving} ms after \`faultline up\` started (up itself took ${upMs} ms; it leaves the containers to the experiment holding their lock, whose new worker restores the fault)`;
}

async function terminate(): Promise<string> {
  const { client, handle } = await startInFault('terminate');
  await sleep(1000);
  const at = Date.now();
  await handle.terminate("bench-restore: the dead man's switch restores");
  const serving = await servingSince(at);
  await client.connection.close();
  return `terminate: database serving again ${serving} ms after the terminate (watchdog interval ${process.env.FAULTLINE_WATCHDOG_INTERVAL_MS || 5000} ms)`;
}

async function main(): Promise<void> {
  for (let i = 0; i < runs; i++) {
    process.stdout.write(`${await crash()}\n`);
    process.stdout.write(`${await terminate()}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
