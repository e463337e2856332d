/**
 * A path's workload as several activities spread by Temporal over the workers
 * polling `faultline`. Two worker processes, `workload.shards: 2`: the shards land on both (their
 * identities are checked against the task queue's pollers, as Temporal lists them), the merged
 * figures are the sum of the shards' (read back from each shard's own checkpoint file), and the
 * shards' downtimes agree with each other and with an independent probe. The
 * shards of one path measure with the same client (5 workers, pool 4, 2 shards: the pool on both),
 * and report.json, the HTML and the console name it. `faultline run` keeps the
 * workers `up` started, and a shard that cannot measure (its worker lost, still listed as a poller)
 * ends the experiment `not-run` before anything is injected.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { faultlineWorker } from '../../src/lab/lab';
import { startWorker, stopWorker } from '../../src/lab/worker-processes';
import { runningProcess } from '../../src/lab/background-process';
import { readCheckpointFile } from '../../src/activities/workload/measurement/measure-path-files';
import { resultFromCheckpoint } from '../../src/activities/workload/measurement/checkpoint-result';
import {
  EXPERIMENT_TASK_QUEUE,
  EXPERIMENT_WORKFLOW_TYPE,
  shardTaskQueue,
  statusQuery,
} from '../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { experimentDirectory } from '../../src/activities/report/report-paths';
import { ensureDbRunning } from './harness/lab-database';
import { runExperiment } from './harness/experiments';
import { dbFault, pathOf, runWithProbes } from './harness/probed-experiment';
import { testClient } from './harness/temporal-client';

const AGREEMENT_MS = 250;

/** What a worker's /metrics says this experiment's path `direct` completed (`outcome` success), or 0. */
async function scrapedSuccesses(port: number, experiment: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('faultline_operations_total{') &&
        l.includes(`experiment="${experiment}"`) &&
        l.includes('path="direct"') &&
        l.includes('outcome="success"'),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}
const SHARD_QUEUE = shardTaskQueue(EXPERIMENT_TASK_QUEUE);

function shardedDefinition(name: string, shards = 2): Record<string, unknown> {
  const definition = dbFault(name, 'stop', 4);
  definition.paths = ['direct'];
  const workers = Math.max(4, shards);
  definition.workload = { ...(definition.workload as object), concurrentWorkers: workers, poolSize: workers, shards };
  return definition;
}

async function pollerIdentities(): Promise<string[]> {
  const client = await testClient();
  const response = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: SHARD_QUEUE },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return (response.pollers ?? []).map((p) => p.identity ?? '');
}

describe('scale-out: a path measured in shards on two workers', function () {
  this.timeout(300_000);
  const second = faultlineWorker(2);

  it('refuses, before anything is injected, more shards than workers taking them', async () => {
    // 8 shards: more than the live workers, and than any recently stopped one still listed as a poller.
    const client = await testClient();
    const result: ExperimentResult = await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-scale-out-refused-${Date.now()}`,
      args: [shardedDefinition('scale-out-refused', 8)],
    });
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    assert.match(
      result.verdictReason,
      /workload\.shards: 8 shards need 8 workers polling faultline-shards, and [1-7] do/,
    );
  });

  after(() => stopWorker(second));
  afterEach(ensureDbRunning);

  it('lands the shards on both workers, merges their counts exactly and agrees on the downtime', async () => {
    await startWorker(second);
    const { report, result, probeMs } = await runWithProbes('scale-out', shardedDefinition('scale-out'), ['direct']);
    assert.equal(result.verdict !== 'aborted', true, `verdict ${result.verdict}: ${result.verdictReason}`);

    const direct = pathOf(report, 'direct');
    const shards = direct.shards ?? [];
    const pollers = await pollerIdentities();
    process.stdout.write(
      `      shards: ${JSON.stringify(shards)}; pollers: ${pollers.join(', ')}; merged downtime ${direct.downtimeMs} ms, probe ${probeMs.direct} ms\n`,
    );
    assert.equal(shards.length, 2, 'two shards');
    const workers = new Set(shards.map((s) => s.worker));
    assert.equal(workers.size, 2, `the shards ran on two different workers: ${[...workers].join(', ')}`);
    for (const worker of workers) assert.ok(pollers.includes(worker), `${worker} is a poller of ${SHARD_QUEUE}`);
    // The live status: one entry for the path, both shards' progress signals merged into it.
    const status = await (await testClient()).workflow.getHandle(result.experimentId).query(statusQuery);
    const live = status.workloads.filter((w) => w.connection === 'direct');
    assert.equal(live.length, 1, `one live entry for the path: ${JSON.stringify(status.workloads)}`);
    assert.equal(live[0]!.shards, 2, `merged from both shards' signals: ${JSON.stringify(live[0])}`);

    // Each shard's own checkpoint file, read independently of the merge.
    const dir = path.join(experimentDirectory('test-artifacts/reports', report.experimentId), 'paths');
    const files = readdirSync(dir).filter((f) => /^direct\.shard-\d\..*\.checkpoint\.json$/.test(f));
    assert.equal(files.length, 2, `one checkpoint file per shard: ${files.join(', ')}`);
    const own = files.map((f) => resultFromCheckpoint(readCheckpointFile(path.join(dir, f))));
    const sum = (f: (r: (typeof own)[number]) => number) => own.reduce((n, r) => n + f(r), 0);
    const total = direct.overall.total;
    assert.equal(
      total.attempts,
      sum((r) => r.overall.total.attempts),
      'attempts: the sum of the shards',
    );
    assert.equal(
      total.failures,
      sum((r) => r.overall.total.failures),
      'failures: the sum of the shards',
    );
    for (const [op, stats] of Object.entries(direct.overall.byOperation))
      assert.equal(
        stats!.attempts,
        sum((r) => r.overall.byOperation[op as keyof typeof r.overall.byOperation]?.attempts ?? 0),
        `${op}: the sum of the shards`,
      );
    // Each worker's own Prometheus endpoint (the second's ports are shifted by `up --workers`).
    const scraped =
      (await scrapedSuccesses(9464, report.experimentId)) + (await scrapedSuccesses(9466, report.experimentId));
    assert.equal(scraped, total.successes, "the two workers' /metrics add up to the merged successes");
    const timelineOps = direct.timeline.buckets.reduce((n, b) => n + b.ops, 0);
    assert.equal(timelineOps, total.attempts, 'the merged timeline counts every operation once');

    // Each shard saw the outage, within 250 ms of the other, and the merge says no less than either.
    const [a, b] = own.map((r) => r.downtime.totalMs);
    assert.ok(a! > 0 && b! > 0, `both shards saw the outage: ${a} / ${b} ms`);
    assert.ok(Math.abs(a! - b!) <= AGREEMENT_MS, `the shards agree within ${AGREEMENT_MS} ms: ${a} / ${b} ms`);
    assert.ok(direct.downtimeMs >= Math.max(a!, b!), `the merge (${direct.downtimeMs} ms) is never less than a shard`);
    assert.ok(direct.downtimeMs >= probeMs.direct - AGREEMENT_MS, `never less than the probe (${probeMs.direct} ms)`);
    assert.match(readFileSync(result.report.console, 'utf8'), /Measured in 2 shards/);
  });

  it('measures both shards with the configured client, and every form of the report names it', async () => {
    await startWorker(second);
    const definition = shardedDefinition('scale-out-client');
    delete definition.fault; // a baseline: the client is the point, not an outage
    definition.durations = { warmupSeconds: 2, faultSeconds: 3, recoveryTimeoutSeconds: 30 };
    definition.workload = { ...(definition.workload as object), concurrentWorkers: 5, poolSize: 4 };
    const result: ExperimentResult = await (
      await testClient()
    ).workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-scale-out-client-${Date.now()}`,
      args: [definition],
    });
    assert.ok(!['aborted', 'not-run'].includes(result.verdict), `verdict ${result.verdict}: ${result.verdictReason}`);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const configured = report.definition.workload.client;
    assert.equal(configured, 'pool', 'pool 4 < 5 workers: the default, resolved on the whole path');

    // Shard 0 has 3 workers and 2 connections, shard 1 2 and 2: each recorded what it measured with.
    const direct = pathOf(report, 'direct');
    assert.deepEqual(
      direct.shards?.map((s) => s.measuredWith),
      [
        { client: configured, workers: 3, connections: 2 },
        { client: configured, workers: 2, connections: 2 },
      ],
    );
    assert.equal(direct.measuringClient!.client, configured);
    assert.equal(direct.measuringClient!.poolSize, 4);
    const named =
      /Measuring client:(<\/b>)? pool \(the workers share a pg pool\), 5 workers, pool size 4; connect timeout/;
    const html = readFileSync(result.report.html, 'utf8');
    assert.match(html, named);
    assert.match(html, /<td>#1<\/td><td>[^<]+<\/td><td>pool<\/td>.*<td>#2<\/td><td>[^<]+<\/td><td>pool<\/td>/s);
    const summary = readFileSync(result.report.console, 'utf8');
    assert.match(summary, named);
    assert.match(summary, /#1 on \S+ \(pool, 3 workers, 2 connections\).*#2 on \S+ \(pool, 2 workers, 2 connections\)/);
  });

  it('`faultline run` keeps the workers `up` started: two shards measure on two workers', async () => {
    await startWorker(second); // as `faultline up --workers 2` leaves it
    const { report, cli } = await runExperiment('scale-out-run', shardedDefinition('scale-out-run'), 240_000);
    assert.doesNotMatch(cli.stderr, /faultline-worker-2 stopped/, 'run did not stop the second worker');
    assert.ok(runningProcess(second.name), 'the second worker still runs after the experiment');
    const shards = pathOf(report, 'direct').shards ?? [];
    process.stdout.write(`      shards: ${JSON.stringify(shards)}\n`);
    assert.equal(new Set(shards.map((s) => s.worker)).size, 2, 'the shards ran on two workers');
    assert.ok(
      shards.every((s) => s.attempts > 0),
      'and each measured',
    );
  });

  it('a worker lost before the inject, still listed as a poller: not run, naming workload.shards, nothing injected', async () => {
    await startWorker(second);
    const state = runningProcess(second.name)!;
    process.kill(state.pid, 'SIGKILL'); // lost: Temporal keeps listing it as a poller for about a minute
    assert.ok((await pollerIdentities()).length >= 2, 'the lost worker is still listed');
    const result: ExperimentResult = await (
      await testClient()
    ).workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-scale-out-lost-${Date.now()}`,
      args: [shardedDefinition('scale-out-lost')],
    });
    process.stdout.write(`      ${result.verdict}: ${result.verdictReason}\n`);
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    assert.match(result.verdictReason, /workload\.shards: shards? [12].* of 2 on direct/);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.equal(report.cycles.length, 0, 'nothing was injected');
  });
});
