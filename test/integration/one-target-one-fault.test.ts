/**
 * One target, one fault, on the real lab. An experiment locks every physical thing
 * its fault touches, whatever its kind (a container by name, a Patroni cluster by scope): a second
 * experiment whose fault would touch one of them ends not-run, naming the thing and the experiment
 * holding it, and touches nothing; `faultline run` reaches that refusal whatever state the first
 * left the lab's containers in. Each test checks the lab afterwards (Docker's own events, the
 * containers' state, the leases, the lock workflows), not only what was answered.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { listLeases } from '../../src/activities/faults/fault-lease';
import { docker } from '../../src/platform/docker';
import { clusterNodes } from '../../src/platform/patroni/cluster-nodes';
import { leadersOf, patroniCluster } from '../../src/platform/patroni/patroni-rest';
import { labSettings } from '../../src/platform/settings';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import {
  abortSignal,
  EXPERIMENT_TASK_QUEUE,
  EXPERIMENT_WORKFLOW_TYPE,
  statusQuery,
} from '../../src/shared/experiment-contract';
import { ContainerEvents } from './harness/container-events';
import { waitForPhase, writeDefinition } from './harness/experiments';
import { dbContainer, ensureDbRunning } from './harness/lab-database';
import { runCli } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

const tag = Date.now().toString(36);
const DB = labSettings().dbContainer;
const SCOPE = labSettings().clusterScope;
/** Every action Docker records when a container's state is changed, and a sidecar's creation. */
const TOUCHES = ['create', 'start', 'stop', 'kill', 'die', 'pause', 'unpause', 'restart', 'connect', 'disconnect'];

const definition = (name: string, fault: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  paths: ['direct'],
  fault,
  durations: { warmupSeconds: 2, faultSeconds: 30, recoveryTimeoutSeconds: 60 },
  steadyState: { windowSeconds: 1 },
  report: { directory: 'test-artifacts/reports' },
  ...extra,
});
const pauseDb = { kind: 'docker', action: 'pause', target: { container: DB } };

/** The experiments a test started, ended after it whatever happened (they hold locks). */
const started: WorkflowHandle[] = [];

async function start(id: string, def: unknown): Promise<WorkflowHandle> {
  const client = await testClient();
  const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
    taskQueue: EXPERIMENT_TASK_QUEUE,
    workflowId: `${id}-${tag}`,
    args: [def],
  });
  started.push(handle);
  return handle;
}

async function endStarted(): Promise<void> {
  for (const handle of started.splice(0)) {
    await handle.signal(abortSignal, 'test: over').catch(() => undefined);
    await handle.result().catch(() => undefined);
  }
}

async function execute(id: string, def: unknown): Promise<ExperimentResult> {
  return (await (await start(id, def)).result()) as ExperimentResult;
}

/** The second experiment scheduled no inject, restore or lease: it touched nothing. */
async function touchedNothing(workflowId: string): Promise<void> {
  const client = await testClient();
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const activities = history.events!.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
  assert.ok(!activities.includes('injectFault') && !activities.includes('restoreFault'), activities.join(', '));
  assert.deepEqual(
    (await listLeases()).filter((l) => l.workflowId === workflowId),
    [],
    'no lease recorded',
  );
}

const lockStatus = async (lockId: string) =>
  (
    await (
      await testClient()
    ).workflow
      .getHandle(lockId)
      .describe()
      .catch(() => undefined)
  )?.status.name;

describe('one target, one fault', function () {
  this.timeout(240_000);
  afterEach(async () => {
    await endStarted();
    await ensureDbRunning();
  });

  it('a network fault on a container a Docker pause holds ends not-run, touching nothing', async () => {
    const first = await start('pause-holds', definition('pause-holds', pauseDb));
    await waitForPhase(first, 'fault');
    assert.equal((await dbContainer().inspect()).State.Paused, true, 'the pause is on');
    const events = await ContainerEvents.start(TOUCHES);
    let result: ExperimentResult;
    try {
      result = await execute(
        'latency-refused',
        definition('latency-refused', { kind: 'network', action: 'latency', delayMs: 200, target: { container: DB } }),
      );
    } finally {
      events.stop();
    }
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    assert.match(
      result.verdictReason,
      new RegExp(
        `^container ${DB} is already under an experiment \\(pause-holds-${tag}, lock faultline-lock-container-${DB}\\)`,
      ),
    );
    await touchedNothing(`latency-refused-${tag}`);
    assert.deepEqual(
      events.events.map((e) => `${e.action} ${e.name}`),
      [],
      'Docker saw nothing done to any container meanwhile (no network-fault sidecar, no unpause)',
    );
    assert.equal((await dbContainer().inspect()).State.Paused, true, 'the pause is still on: the first restores it');
    const report = JSON.parse(
      readFileSync(((await first.result()) as ExperimentResult).report.json, 'utf8'),
    ) as ExperimentReport;
    assert.equal(report.restore?.action, 'unpause', 'the first experiment undid its own pause');
    assert.equal(await lockStatus(`faultline-lock-container-${DB}`), 'COMPLETED', 'and gave its lock back');
  });

  it('a Docker fault on a Patroni member container is refused while a Patroni experiment holds the cluster', async () => {
    const nodes = await clusterNodes(SCOPE);
    assert.ok(nodes.length >= 2, `the lab's cluster has its nodes: ${nodes.map((n) => n.container).join(', ')}`);
    const leaderBefore = leadersOf(await patroniCluster(nodes))[0]?.name;
    const member = nodes[0]!;
    const startedAt = (await dockerState(member.container)).StartedAt;
    // The Patroni experiment holds its locks from its setup on: a long warmup, then it is aborted
    // before it injects anything, so the cluster is left as it was for the tests after this one.
    const first = await start(
      'patroni-holds',
      definition(
        'patroni-holds',
        { kind: 'patroni', action: 'switchover', cluster: SCOPE },
        {
          paths: ['cluster'],
          durations: { warmupSeconds: 120, faultSeconds: 5, recoveryTimeoutSeconds: 90 },
        },
      ),
    );
    await waitForPhase(first, 'warmup');
    const events = await ContainerEvents.start(TOUCHES);
    let result: ExperimentResult;
    try {
      result = await execute(
        'member-pause-refused',
        definition('member-pause-refused', {
          kind: 'docker',
          action: 'pause',
          target: { container: member.container },
        }),
      );
    } finally {
      events.stop();
    }
    await first.signal(abortSignal, 'test: the lock was what it was for');
    const firstResult = (await first.result()) as ExperimentResult;
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    // The locks are taken in sorted order: the member's container comes before the cluster.
    assert.match(
      result.verdictReason,
      new RegExp(
        `^container ${member.container} is already under an experiment \\(patroni-holds-${tag}, lock faultline-lock-container-${member.container}\\)`,
      ),
    );
    await touchedNothing(`member-pause-refused-${tag}`);
    assert.deepEqual(
      events.events.map((e) => `${e.action} ${e.name}`),
      [],
      'Docker saw nothing done to any container',
    );
    const state = await dockerState(member.container);
    assert.ok(state.Running && !state.Paused && state.StartedAt === startedAt, `${member.container} untouched`);
    assert.equal(firstResult.verdict, 'aborted', firstResult.verdictReason);
    assert.equal(leadersOf(await patroniCluster(nodes))[0]?.name, leaderBefore, 'the leader is the one before');
    for (const id of [
      ...nodes.map((n) => `faultline-lock-container-${n.container}`),
      `faultline-lock-patroni-${SCOPE}`,
    ])
      assert.equal(await lockStatus(id), 'COMPLETED', `${id} taken by the Patroni experiment and given back`);
  });

  it('faultline run with the database paused by another experiment reaches the lock: not-run, exit 5, the pause left on', async () => {
    const first = await start(
      'pause-for-run',
      definition('pause-for-run', pauseDb, {
        durations: { warmupSeconds: 2, faultSeconds: 60, recoveryTimeoutSeconds: 60 },
      }),
    );
    await waitForPhase(first, 'fault');
    const events = await ContainerEvents.start(TOUCHES);
    let cli;
    try {
      cli = await runCli(
        [
          'run',
          writeDefinition(
            `stop-while-paused-${tag}`,
            definition('stop-while-paused', { kind: 'docker', action: 'stop', target: { container: DB } }),
          ),
          '--json',
          '--id',
          `stop-while-paused-${tag}`,
        ],
        {},
        120_000,
      );
    } finally {
      events.stop();
    }
    assert.doesNotMatch(cli.stderr, /is unhealthy/);
    assert.match(
      cli.stderr,
      new RegExp(
        `lab: containers left as they are \\(not started, nor waited on to be healthy\\): .*experiment pause-for-run-${tag} holds lock faultline-lock-container-${DB}`,
      ),
    );
    assert.equal(cli.code, 5, `${cli.stdout}\n${cli.stderr}`);
    const last = JSON.parse(cli.stdout.trim().split('\n').pop()!) as { verdict: string; report: { json: string } };
    assert.equal(last.verdict, 'not-run');
    const report = JSON.parse(readFileSync(last.report.json, 'utf8')) as ExperimentReport;
    assert.match(
      report.verdictReason,
      new RegExp(`^container ${DB} is already under an experiment \\(pause-for-run-${tag}, `),
    );
    await touchedNothing(`stop-while-paused-${tag}`);
    assert.deepEqual(
      events.events.map((e) => `${e.action} ${e.name}`),
      [],
      'neither the lab start-up nor the second experiment did anything to a container (the paused database included)',
    );
    assert.equal((await first.query(statusQuery)).phase, 'fault', 'the first is still in its fault window');
    assert.equal((await dbContainer().inspect()).State.Paused, true, 'and its pause is on');
    await first.signal(abortSignal, 'test: done');
    const report1 = JSON.parse(
      readFileSync(((await first.result()) as ExperimentResult).report.json, 'utf8'),
    ) as ExperimentReport;
    assert.equal(report1.restore?.action, 'unpause', 'the first experiment undid its own pause');
  });
});

async function dockerState(container: string) {
  return (await docker.getContainer(container).inspect()).State;
}
