/**
 * Safe upgrades with Worker Versioning (platform/worker-deployment.ts): an experiment started on
 * build A finishes on A's code after build B, whose workflow code does not replay A's history,
 * became current; a new experiment runs on B; a build started beside a served one does not take new
 * work from it until its workers are gone; and the lab's `up` keeps an old build's worker while
 * an experiment is pinned to it. Which build ran each workflow task is read from the
 * server's own history (WorkflowTaskCompleted's deployment version), and both histories are
 * replayed: each on its own build's code, and A's on B's code fails, as the change means it to.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { runningProcess } from '../../src/lab/background-process';
import { stopKept } from '../../src/lab/draining-workers';
import { startExtraWorker, stopExtraWorker } from '../../src/lab/extra-worker';
import { sourceVersion, startWorker, stopWorker } from '../../src/lab/worker-processes';
import { openOnVersionQuery } from '../../src/platform/worker-deployment';
import { PROJECT_ROOT } from '../../src/platform/settings';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { currentBuild } from './harness/deployment-versions';
import { quietRuntime } from './harness/histories';
import { testClient } from './harness/temporal-client';

const tag = Date.now().toString(36);
const QUEUE = `faultline-versions-${tag}`;
const [A, B] = [`a-${tag}`, `b-${tag}`];
const LOGS = path.join(PROJECT_ROOT, 'test-artifacts');
/** The lab's worker has the default metrics ports. */
const NO_METRICS = { FAULTLINE_METRICS_PORT: '0', FAULTLINE_TEMPORAL_METRICS_PORT: '0' };

const definition = (name: string, warmupSeconds: number) => ({
  name,
  paths: ['direct'],
  workload: { concurrentWorkers: 1, poolSize: 1 },
  durations: { warmupSeconds, faultSeconds: 1, recoveryTimeoutSeconds: 30 },
  steadyState: { windowSeconds: 1 },
  report: { directory: 'test-artifacts/reports' },
});

/** Build B: the sources with one more timer at the start of the experiment, bundled. */
async function bundleOfB(): Promise<string> {
  const dir = path.join(os.tmpdir(), `faultline-build-b-${tag}`);
  cpSync(path.join(PROJECT_ROOT, 'src'), path.join(dir, 'src'), { recursive: true });
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const file = path.join(dir, 'src', 'workflows', 'chaos-experiment', 'workflow.ts');
  const source = readFileSync(file, 'utf8');
  const changed = source
    .replace('import { ApplicationFailure, ContinueAsNew,', 'import { sleep, ApplicationFailure, ContinueAsNew,')
    .replace(
      '  installHandlers(s, workflowId);\n',
      '  installHandlers(s, workflowId);\n  await sleep(1); // build B\n',
    );
  assert.notEqual(changed, source, 'build B differs from A');
  assert.match(changed, /import \{ sleep,/);
  writeFileSync(file, changed);
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(dir, 'src', 'workflows'),
    logger: new DefaultLogger('WARN'),
  });
  mkdirSync(path.join(dir, 'bundles'));
  writeFileSync(path.join(dir, 'bundles', 'workflows.js'), code);
  return path.join(dir, 'bundles');
}

type History = temporal.api.history.v1.IHistory;

/** The build ids of a history's completed workflow tasks, as the server recorded them. */
const taskBuilds = (history: History) =>
  [
    ...new Set(
      (history.events ?? [])
        .map((e) => e.workflowTaskCompletedEventAttributes?.deploymentVersion?.buildId)
        .filter((b): b is string => b !== undefined && b !== null),
    ),
  ].sort();

async function until(holds: () => Promise<boolean>, what = 'a condition', timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await holds().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const untilCurrent = (build: string, deploymentName: string) =>
  until(async () => (await currentBuild(deploymentName)) === build, `build ${build} current in ${deploymentName}`);

describe('worker versioning: an experiment finishes on the build it started on', function () {
  this.timeout(300_000);
  const workers: ChildProcess[] = [];

  after(async () => {
    for (const w of workers) await stopExtraWorker(w);
  });

  it('runs on A after B became current; a new one runs on B; each history replays on its own build only', async () => {
    const bundles = await bundleOfB();
    workers.push(
      await startExtraWorker(QUEUE, { FAULTLINE_BUILD_ID: A, ...NO_METRICS }, path.join(LOGS, `versions-a-${tag}.log`)),
    );
    await untilCurrent(A, QUEUE);
    const client = await testClient();
    const onA = await client.workflow.start('chaosExperiment', {
      taskQueue: QUEUE,
      workflowId: `versions-a-${tag}`,
      args: [definition(`versions-a-${tag}`, 40)],
    });
    workers.push(
      await startExtraWorker(
        QUEUE,
        // A deploy step's worker: it takes the current version from A's live one.
        {
          FAULTLINE_BUILD_ID: B,
          FAULTLINE_BECOME_CURRENT: 'on-start',
          FAULTLINE_WORKFLOW_BUNDLE_DIR: bundles,
          ...NO_METRICS,
        },
        path.join(LOGS, `versions-b-${tag}.log`),
      ),
    );
    await untilCurrent(B, QUEUE);
    const onB = await client.workflow.start('chaosExperiment', {
      taskQueue: QUEUE,
      workflowId: `versions-b-${tag}`,
      args: [definition(`versions-b-${tag}`, 2)],
    });
    const [resultA, resultB] = (await Promise.all([onA.result(), onB.result()])) as ExperimentResult[];
    assert.equal(resultA!.verdict, 'held', resultA!.verdictReason);
    assert.equal(resultB!.verdict, 'held', resultB!.verdictReason);

    const [historyA, historyB] = [await onA.fetchHistory(), await onB.fetchHistory()];
    assert.deepEqual(taskBuilds(historyA), [A], "every workflow task of the first ran on A's worker");
    assert.deepEqual(taskBuilds(historyB), [B], "every workflow task of the second ran on B's worker");
    const bTimers = (h: History) =>
      (h.events ?? []).filter((e) => {
        const t = e.timerStartedEventAttributes?.startToFireTimeout;
        return t && Number(t.seconds ?? 0) === 0 && Number(t.nanos ?? 0) <= 1_000_000;
      }).length;
    assert.equal(bTimers(historyA), 0, "A's history has no timer of B's");
    assert.equal(bTimers(historyB), 1, "B's history holds B's 1 ms timer: B's code ran it");

    quietRuntime();
    const codeA = { workflowsPath: require.resolve('../../src/workflows') };
    const codeB = { workflowBundle: { codePath: path.join(bundles, 'workflows.js') } };
    await Worker.runReplayHistory({ ...codeA, replayName: `versions-a-${tag}` }, historyA);
    await Worker.runReplayHistory({ ...codeB, replayName: `versions-b-${tag}` }, historyB);
    await assert.rejects(
      Worker.runReplayHistory({ ...codeB, replayName: `versions-a-on-b-${tag}` }, historyA),
      /DeterminismViolation|[Nn]ondeterminis/,
      "A's history does not replay on B: only versioning kept it on A",
    );
  });

  it('a build started beside a served one leaves it current, and takes over once its worker is gone', async () => {
    const queue = `faultline-takeover-${tag}`;
    const [X, Y] = [`x-${tag}`, `y-${tag}`];
    const start = (build: string) =>
      startExtraWorker(queue, { FAULTLINE_BUILD_ID: build, ...NO_METRICS }, path.join(LOGS, `takeover-${build}.log`));
    const x = await start(X);
    workers.push(x);
    await untilCurrent(X, queue);
    workers.push(await start(Y));
    // Y's first look at the deployment comes as it polls, the next one 10 s later: both see X served.
    await new Promise((r) => setTimeout(r, 12_000));
    assert.equal(await currentBuild(queue), X, 'a second build (say, a container tried for a minute) leaves X current');

    await stopExtraWorker(x);
    const stoppedAt = Date.now();
    // Started while X's worker is gone and X still current: it waits, and runs on Y once Y takes over.
    const client = await testClient();
    const waiting = await client.workflow.start('chaosExperiment', {
      taskQueue: queue,
      workflowId: `takeover-${tag}`,
      args: [definition(`takeover-${tag}`, 1)],
    });
    await until(async () => (await currentBuild(queue)) === Y, `build ${Y} current in ${queue}`, 150_000);
    process.stdout.write(
      `      takeover: ${Y} current ${((Date.now() - stoppedAt) / 1000).toFixed(0)} s after X's worker stopped\n`,
    );
    const result = (await waiting.result()) as ExperimentResult;
    assert.equal(result.verdict, 'held', result.verdictReason);
    assert.deepEqual(taskBuilds(await waiting.fetchHistory()), [Y], 'the experiment that waited ran on Y');
  });

  it("`up` keeps the old build's worker while an experiment is pinned to it, and stops it once it is closed", async () => {
    const queue = `faultline-upgrade-${tag}`;
    const spec = {
      name: `upgrade-${tag}`,
      args: ['worker'],
      taskQueue: queue,
      env: { FAULTLINE_TASK_QUEUE: queue, ...NO_METRICS },
    };
    const saved = process.env.FAULTLINE_RDS_ENDPOINT;
    try {
      assert.equal(await startWorker(spec), 'started');
      const oldBuild = sourceVersion();
      const old = runningProcess(spec.name)!;
      await untilCurrent(oldBuild, queue);
      const client = await testClient();
      const pinned = await client.workflow.start('chaosExperiment', {
        taskQueue: queue,
        workflowId: `upgrade-${tag}`,
        args: [definition(`upgrade-${tag}`, 30)],
      });
      await until(async () => (await client.workflow.count(openOnVersionQuery(queue, oldBuild))).count === 1);
      // Another build, as far as the lab can tell: its source version hashes the RDS endpoint too.
      process.env.FAULTLINE_RDS_ENDPOINT = `http://127.0.0.1:1/another-build-${tag}`;
      assert.notEqual(sourceVersion(), oldBuild);
      assert.equal(await startWorker(spec), 'restarted');
      const kept = runningProcess(`${spec.name}@${oldBuild}`);
      assert.equal(kept?.pid, old.pid, 'the old build runs on, under its build name');
      assert.notEqual(runningProcess(spec.name)?.pid, old.pid, 'the new build runs beside it');
      const result = (await pinned.result()) as ExperimentResult;
      assert.equal(result.verdict, 'held', result.verdictReason);
      assert.deepEqual(taskBuilds(await pinned.fetchHistory()), [oldBuild], 'it finished on the old build');
      await until(async () => (await client.workflow.count(openOnVersionQuery(queue, oldBuild))).count === 0);
      assert.equal(await startWorker(spec), 'reused');
      assert.equal(runningProcess(`${spec.name}@${oldBuild}`), undefined, 'the drained build was stopped');
    } finally {
      if (saved === undefined) delete process.env.FAULTLINE_RDS_ENDPOINT;
      else process.env.FAULTLINE_RDS_ENDPOINT = saved;
      await stopWorker(spec);
      await stopKept(spec);
    }
  });
});
