/**
 * Edges of a definition that cannot hurt, on the real lab. Every test checks what the
 * system looks like afterwards (containers, networks, leases, files), not only what was answered.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { listLeases } from '../../src/activities/faults/fault-lease';
import { docker } from '../../src/platform/docker';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { startExtraWorker, stopExtraWorker } from '../../src/lab/extra-worker';
import { waitForPhase, writeDefinition } from './harness/experiments';
import { dbContainer, ensureDbRunning } from './harness/lab-database';
import { runCli } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

const tag = Date.now().toString(36);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quick = (name: string, fault: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  fault: { kind: 'docker', gracePeriodSeconds: 1, ...fault },
  durations: { warmupSeconds: 2, faultSeconds: 3, recoveryTimeoutSeconds: 30 },
  steadyState: { windowSeconds: 1 },
  report: { directory: 'test-artifacts/reports' },
  ...extra,
});

async function execute(
  id: string,
  definition: unknown,
  taskQueue = EXPERIMENT_TASK_QUEUE,
): Promise<{ result: ExperimentResult; report: ExperimentReport }> {
  const client = await testClient();
  const result = (await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: `${id}-${tag}`,
    args: [definition],
  })) as ExperimentResult;
  return { result, report: JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport };
}

/** A running container of the test's own (the base image, sleeping). */
async function sidecar(name: string, labels: Record<string, string>): Promise<Docker.Container> {
  const container = await docker.createContainer({
    name,
    Image: 'debian:bookworm-slim',
    Cmd: ['sleep', '600'],
    Labels: labels,
  });
  await container.start();
  return container;
}

describe('edges that cannot hurt', function () {
  this.timeout(240_000);
  afterEach(ensureDbRunning);

  it('refuses a running container without the opt-in label, and one named like the Temporal server, leaving both untouched', async () => {
    const plain = await sidecar(`faultline-test-plain-${tag}`, {});
    const lookalike = await sidecar(`temporal-lookalike-${tag}`, { 'faultline.target': 'true' });
    try {
      for (const [container, why] of [
        [plain, /is not opted in as a chaos target/],
        [lookalike, /runs the Temporal server; faultline never faults its own orchestrator/],
      ] as const) {
        const before = (await container.inspect()).State;
        const name = (await container.inspect()).Name.slice(1);
        const { result } = await execute(
          `refused-${name.slice(0, 20)}`,
          quick(`refused-${tag}`, { action: 'kill', target: { container: name } }),
        );
        assert.equal(result.verdict, 'not-run', result.verdictReason);
        assert.match(result.verdictReason, why);
        const after = (await container.inspect()).State;
        assert.ok(after.Running && after.StartedAt === before.StartedAt, `${name} untouched`);
      }
    } finally {
      await plain.remove({ force: true });
      await lookalike.remove({ force: true });
    }
  });

  it('refuses stop signals (SIGSTOP freezes what Docker reports running): nothing is touched', async () => {
    const before = (await dbContainer().inspect()).State.StartedAt;
    const cli = await runCli(
      [
        'run',
        writeDefinition(
          'sigstop',
          quick('sigstop', { action: 'kill', signal: 'SIGSTOP', target: { container: 'faultline-db' } }),
        ),
      ],
      {},
      60_000,
    );
    assert.equal(cli.code, 1);
    assert.match(
      cli.stderr,
      /fault\.signal: stop signals \(SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU\) and SIGCONT are refused/,
    );
    const state = (await dbContainer().inspect()).State;
    assert.ok(state.Running && !state.Paused && state.StartedAt === before);
  });

  it('network-disconnect from a network the container is not on is refused, and attaches it to nothing', async () => {
    const network = await docker.createNetwork({ Name: `faultline-test-net-${tag}` });
    try {
      const networksBefore = Object.keys((await dbContainer().inspect()).NetworkSettings.Networks ?? {}).sort();
      const { result } = await execute(
        'foreign-network',
        quick('foreign-network', {
          action: 'network-disconnect',
          network: `faultline-test-net-${tag}`,
          target: { container: 'faultline-db' },
        }),
      );
      assert.equal(result.verdict, 'not-run', result.verdictReason);
      assert.match(result.verdictReason, new RegExp(`is not attached to network "faultline-test-net-${tag}"`));
      assert.deepEqual(
        Object.keys((await dbContainer().inspect()).NetworkSettings.Networks ?? {}).sort(),
        networksBefore,
        'no network was attached or detached',
      );
    } finally {
      await network.remove();
    }
  });

  it('report paths stay inside the reports root: an escaping directory is refused, a workflow id of ".." is made safe', async () => {
    const cli = await runCli(
      [
        'run',
        writeDefinition(
          'escape',
          quick(
            'escape',
            { action: 'stop', target: { container: 'faultline-db' } },
            { report: { directory: '../../tmp/faultline-escape' } },
          ),
        ),
      ],
      {},
      60_000,
    );
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /report\.directory: must be a relative path inside the worker's reports root/);
    const client = await testClient();
    const result = (await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: '..',
      args: [
        {
          name: 'dotdot',
          durations: { warmupSeconds: 1, faultSeconds: 1, recoveryTimeoutSeconds: 10 },
          steadyState: { windowSeconds: 1 },
          report: { directory: 'test-artifacts/reports' },
        },
      ],
    })) as ExperimentResult;
    assert.equal(path.dirname(result.report.json), path.join(PROJECT_ROOT, 'test-artifacts', 'reports', '__'));
    assert.ok(existsSync(result.report.json));
  });

  it('two experiments never fault one target at once: the second ends not-run, touching nothing', async () => {
    const client = await testClient();
    const first = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `lock-first-${tag}`,
      args: [
        quick(
          'lock-first',
          { action: 'stop', target: { container: 'faultline-db' } },
          { durations: { warmupSeconds: 2, faultSeconds: 8, recoveryTimeoutSeconds: 30 } },
        ),
      ],
    });
    await waitForPhase(first, 'fault');
    const startedAt = (await dbContainer().inspect()).State.StartedAt;
    const { result } = await execute(
      'lock-second',
      quick('lock-second', { action: 'kill', target: { label: 'faultline.role=database' } }),
    );
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    assert.match(
      result.verdictReason,
      new RegExp(
        `container faultline-db is already under an experiment \\(lock-first-${tag}, lock faultline-lock-container-faultline-db\\)`,
      ),
    );
    const history = await client.workflow.getHandle(`lock-second-${tag}`).fetchHistory();
    assert.ok(
      !history.events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'injectFault'),
      'the second experiment injected nothing',
    );
    assert.equal((await dbContainer().inspect()).State.StartedAt, startedAt, 'and did not touch the target');
    assert.equal((await first.result()).verdict, 'held');
  });

  it('faultline schedule trigger follows the schedule overlap policy: a second trigger while a run holds starts nothing', async () => {
    const id = `trigger-${tag}`;
    const file = writeDefinition(
      id,
      quick(
        id,
        { action: 'stop', target: { container: 'faultline-db' } },
        { durations: { warmupSeconds: 2, faultSeconds: 6, recoveryTimeoutSeconds: 30 } },
      ),
    );
    assert.equal(
      (await runCli(['schedule', 'create', '--id', id, '--every', '24h', '--experiment', file, '--paused'])).code,
      0,
    );
    try {
      const once = await runCli(['schedule', 'trigger', id]);
      assert.match(once.stdout, /triggered \(overlap policy SKIP\)/);
      await sleep(1500);
      assert.equal((await runCli(['schedule', 'trigger', id])).code, 0);
      await sleep(1500);
      const client = await testClient();
      const runs: string[] = [];
      for await (const w of client.workflow.list({ query: `TemporalScheduledById = "${id}"` })) runs.push(w.workflowId);
      assert.equal(runs.length, 1, `one run, the second trigger skipped: ${runs.join(', ')}`);
      assert.equal((await client.workflow.getHandle(runs[0]!).result()).verdict, 'held');
    } finally {
      await runCli(['schedule', 'delete', id]);
    }
  });

  it('a cancel that lands while the inject runs: the rollback comes after the inject, and no lease is left', async () => {
    const client = await testClient();
    // SIGHUP reloads PostgreSQL and ends nothing: the inject waits for the target to go down, long enough to cancel it.
    const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `cancel-inject-${tag}`,
      args: [quick('cancel-inject', { action: 'kill', signal: 'SIGHUP', target: { container: 'faultline-db' } })],
    });
    await waitForPhase(handle, 'inject');
    await sleep(1500);
    await handle.cancel();
    await assert.rejects(handle.result());
    const history = (await handle.fetchHistory()).events!;
    const scheduledId = (type: string) =>
      history.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type)?.eventId?.toString();
    const closedAt = (id: string | undefined) =>
      history.findIndex((e) =>
        [
          e.activityTaskCompletedEventAttributes,
          e.activityTaskCanceledEventAttributes,
          e.activityTaskFailedEventAttributes,
        ].some((a) => a?.scheduledEventId?.toString() === id),
      );
    const restoreScheduled = history.findIndex(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'restoreFault',
    );
    assert.ok(restoreScheduled > 0, 'the rollback ran');
    assert.ok(
      closedAt(scheduledId('injectFault')) >= 0 && closedAt(scheduledId('injectFault')) < restoreScheduled,
      'the rollback came after the inject had finished',
    );
    assert.deepEqual(
      (await listLeases()).filter((l) => l.workflowId === `cancel-inject-${tag}`),
      [],
      'no lease left',
    );
    const report = JSON.parse(
      readFileSync(path.join(PROJECT_ROOT, 'test-artifacts', 'reports', `cancel-inject-${tag}`, 'report.json'), 'utf8'),
    ) as ExperimentReport;
    assert.equal(report.cycles.length, 1, 'the interrupted fault is on record');
    assert.ok(report.cycles[0]!.restoreRequestedAt);
  });

  it('a stop condition aborts the experiment when the system does not come back (error budget)', async () => {
    const client = await testClient();
    const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `budget-${tag}`,
      args: [
        quick(
          'budget',
          { action: 'pause', target: { container: 'faultline-db' } },
          {
            durations: { warmupSeconds: 2, faultSeconds: 2, recoveryTimeoutSeconds: 60 },
            stopConditions: { maxErrorRate: 0.5, forSeconds: 3 },
          },
        ),
      ],
    });
    await waitForPhase(handle, 'recovery');
    // The system does not come back: something else takes the database down during recovery.
    await dbContainer().stop({ t: 0 });
    const result = (await handle.result()) as ExperimentResult;
    assert.equal(result.verdict, 'aborted', result.verdictReason);
    assert.match(
      result.verdictReason,
      /signal: stop condition: error rate on direct above 50\.0% for 3 s after the fault window/,
    );
  });

  it('the rollback runs after an activity fails mid-method (the measurement fails during the fault)', async () => {
    const queue = `faultline-failing-${tag}`;
    const worker = await startExtraWorker(
      queue,
      { FAULTLINE_TEST_FAIL_MEASUREMENT_IN_PHASE: 'fault' },
      path.join(PROJECT_ROOT, 'test-artifacts', `failing-worker-${tag}.log`),
    );
    try {
      const { result, report } = await execute(
        'fail-mid-method',
        quick(
          'fail-mid-method',
          { action: 'stop', target: { container: 'faultline-db' } },
          { durations: { warmupSeconds: 2, faultSeconds: 30, recoveryTimeoutSeconds: 30 } },
        ),
        queue,
      );
      assert.equal(result.verdict, 'aborted', result.verdictReason);
      assert.match(result.verdictReason, /failure: workload on direct failed: .*test hook/);
      assert.equal(report.restore?.action, 'start', 'the rollback restored the stopped database');
      const window =
        Date.parse(report.cycles[0]!.restoreRequestedAt!) - Date.parse(report.cycles[0]!.injectRequestedAt);
      assert.ok(window < 20_000, `restored at once, not after the 30 s fault window (${window} ms)`);
      assert.ok((await dbContainer().inspect()).State.Running);
    } finally {
      await stopExtraWorker(worker);
    }
  });

  it('a lab database is what the tests above leave behind: running, no lease', async () => {
    const state = (await dbContainer().inspect()).State;
    assert.ok(state.Running && !state.Paused);
    assert.deepEqual(
      (await listLeases()).filter((l) => l.target.name === labSettings().dbContainer),
      [],
    );
  });
});
