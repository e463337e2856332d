/**
 * Issue 8: the restore survives a worker crash. Mid-fault, the `faultline` worker is killed with
 * SIGKILL; a new one starts; the workflow resumes, restores the database and completes with a report.
 * Prints the time from the new worker's start to the container serving again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runningProcess } from '../src/lab/background-process';
import { WORKERS } from '../src/lab/lab';
import { startWorker } from '../src/lab/worker-processes';
import type { ExperimentResult } from '../src/shared/experiment-types';
import { waitForPhase } from './harness/experiments';
import { dbContainer, ensureDbRunning, waitUntilServing } from './harness/lab-database';
import { testClient } from './harness/temporal-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker crash mid-fault', function () {
  this.timeout(300_000);
  after(ensureDbRunning);

  it('a new worker resumes the experiment, restores db and completes with a report', async () => {
    const client = await testClient();
    const workflowId = `crash-${Date.now()}`;
    const handle = await client.workflow.start('chaosExperiment', {
      taskQueue: 'faultline',
      workflowId,
      args: [
        {
          name: 'worker-crash',
          fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
          durations: { warmupSeconds: 2, faultSeconds: 4, recoveryTimeoutSeconds: 60 },
          steadyState: { windowSeconds: 1 },
          report: { directory: 'test-artifacts/reports' },
        },
      ],
    });
    await waitForPhase(handle, 'fault');
    assert.equal((await dbContainer().inspect()).State.Running, false, 'db is down: the fault is on');

    const worker = WORKERS[0]!;
    const old = runningProcess(worker.name);
    assert.ok(old, 'the lab worker runs');
    process.kill(old.pid, 'SIGKILL');
    await sleep(6000); // the fault window ends while no worker is there
    assert.equal((await dbContainer().inspect()).State.Running, false, 'nothing restored the db without a worker');

    const newWorkerStart = Date.now();
    assert.equal(await startWorker(worker), 'started');
    const serving = await waitUntilServing('direct', 120_000);
    const restoreMs = serving - newWorkerStart;
    process.stdout.write(`      worker crash: db serving again ${restoreMs} ms after the new worker started\n`);

    const result = (await handle.result()) as ExperimentResult;
    const report = JSON.parse(readFileSync(result.report.json, 'utf8'));
    assert.equal(report.restore.action, 'start');
    assert.ok(['held', 'violated'].includes(result.verdict), `${result.verdict}: ${result.verdictReason}`);
    assert.ok(report.paths[0].overall.total.attempts > 0, 'the workload measured after the crash too');
    assert.equal((await dbContainer().inspect()).State.Running, true);
    assert.ok(restoreMs < 60_000);
  });
});
