/**
 * One target, one fault, on Temporal's time-skipping test server with stubbed activities: two
 * experiments whose faults touch one physical thing, whatever their kinds. The first holds its
 * locks; the second gives back what it took, ends not-run naming the thing and the experiment
 * holding it, and touches nothing. Targets resolved by older code keep the old lock.
 */
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Fault } from '../../src/shared/experiment-schema';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import type { ResolvedTarget } from '../../src/shared/fault-types';
import { containerTouches, patroniTouches } from '../../src/shared/touched-things';
import { abortSignal, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import { iso, stubActivities, type Stubs } from './harness/stub-activities';
import { timeSkippingEnvironment, workflowBundle } from './harness/workflow-env';

const SCOPE = 'faultline-cluster';
const NODES = ['faultline-node1', 'faultline-node2'];

/** What the resolve activity would find in the lab (`legacy`: as code before `touches` did). */
function resolved(fault: Fault, legacy: boolean): ResolvedTarget {
  if (fault.kind === 'rds') throw new Error('no RDS here');
  const target: ResolvedTarget =
    fault.kind === 'patroni'
      ? { kind: 'patroni', name: SCOPE, scope: SCOPE, leader: 'node1', members: ['node1', 'node2'] }
      : { kind: 'docker', id: `id-${fault.target.container}`, name: fault.target.container!, networks: [] };
  if (legacy) return target;
  if (target.kind === 'patroni') return { ...target, touches: patroniTouches(SCOPE, NODES) };
  return { ...target, touches: containerTouches(target.name, NODES.includes(target.name) ? SCOPE : undefined) };
}

/** The harness's stubs, the target as the lab has it; `calls` gets only the faults injected. */
function stubs(env: TestWorkflowEnvironment, calls: string[], legacy: boolean): Stubs {
  return stubActivities([], {
    resolveFaultTarget: async (fault) => resolved(fault, legacy),
    // As the real one: the experiment that started the lock.
    lockOwner: async (lockId) =>
      (await env.client.workflow.getHandle(lockId).describe()).parentExecution?.workflowId ?? null,
    injectFault: async (fault) => (
      calls.push(`inject ${fault.kind}`),
      { target: resolved(fault, legacy), injectRequestedAt: iso(), targetDownAt: iso() }
    ),
  });
}

const onContainer = (kind: 'docker' | 'network', container: string): Record<string, unknown> =>
  kind === 'docker'
    ? { kind, action: 'pause', target: { container } }
    : { kind, action: 'latency', delayMs: 100, target: { container } };
const patroni = { kind: 'patroni', action: 'switchover', cluster: SCOPE };
// Long enough that the first still holds when time skips while the second runs.
const definition = (fault: Record<string, unknown>) => ({
  name: 'locks',
  fault,
  durations: { warmupSeconds: 600, faultSeconds: 3600, recoveryTimeoutSeconds: 60 },
});

describe('one target, one fault: locks on every thing touched (unit, time-skipping server)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  before(async function () {
    this.timeout(120_000);
    await workflowBundle();
  });
  beforeEach(async function () {
    this.timeout(60_000);
    env = await timeSkippingEnvironment();
  });
  afterEach(async () => await env?.teardown());

  const status = async (lockId: string) =>
    (
      await env.client.workflow
        .getHandle(lockId)
        .describe()
        .catch(() => undefined)
    )?.status.name;

  /** The first experiment holds its locks (`holds`); the second runs to its end meanwhile. */
  async function twoExperiments(
    first: Record<string, unknown>,
    second: Record<string, unknown>,
    holds: string[],
    legacy = false,
  ): Promise<{ result: ExperimentResult; firstResult: ExperimentResult; calls: string[]; firstId: string }> {
    const calls: string[] = [];
    const taskQueue = `locks-${Date.now()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubs(env, calls, legacy),
    });
    return await worker.runUntil(async () => {
      const firstId = `first-${taskQueue}`;
      const holder = await env.client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: firstId,
        args: [definition(first)],
      });
      for (let i = 0; i < 200 && (await Promise.all(holds.map(status))).some((s) => s !== 'RUNNING'); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(
        await Promise.all(holds.map(status)),
        holds.map(() => 'RUNNING'),
        'the first holds its locks',
      );
      calls.length = 0;
      const result = (await env.client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `second-${taskQueue}`,
        args: [definition(second)],
      })) as ExperimentResult;
      const secondCalls = [...calls];
      // Time skipped while the second ran: the first may have ended already.
      await holder.signal(abortSignal, 'unit: done').catch(() => undefined);
      const firstResult = (await holder.result()) as ExperimentResult;
      assert.deepEqual(
        await Promise.all(holds.map(status)),
        holds.map(() => 'COMPLETED'),
        'the first gave its locks back',
      );
      return { result, firstResult, calls: secondCalls, firstId };
    });
  }

  it('a network fault on a container a Docker pause holds ends not-run, touching nothing', async () => {
    const { result, calls, firstId } = await twoExperiments(
      onContainer('docker', 'faultline-db'),
      onContainer('network', 'faultline-db'),
      ['faultline-lock-container-faultline-db'],
    );
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    assert.match(
      result.verdictReason,
      new RegExp(
        `^container faultline-db is already under an experiment \\(${firstId}, lock faultline-lock-container-faultline-db\\)`,
      ),
    );
    assert.deepEqual(calls, [], 'the second injected nothing');
  });

  it('a Docker fault on a Patroni member is refused while a Patroni experiment holds the cluster, and the other way round', async () => {
    const patroniFirst = await twoExperiments(patroni, onContainer('docker', 'faultline-node2'), [
      'faultline-lock-container-faultline-node1',
      'faultline-lock-container-faultline-node2',
      'faultline-lock-patroni-faultline-cluster',
    ]);
    const dockerFirst = await twoExperiments(onContainer('docker', 'faultline-node1'), patroni, [
      'faultline-lock-container-faultline-node1',
      'faultline-lock-patroni-faultline-cluster',
    ]);
    for (const [{ result, calls, firstId }, container] of [
      [patroniFirst, 'faultline-node2'],
      [dockerFirst, 'faultline-node1'],
    ] as const) {
      assert.equal(result.verdict, 'not-run', result.verdictReason);
      assert.match(
        result.verdictReason,
        new RegExp(
          `^container ${container} is already under an experiment \\(${firstId}, lock faultline-lock-container-${container}\\)`,
        ),
      );
      assert.deepEqual(calls, []);
    }
  });

  it('the locks taken before a held one are given back: a fault on one member while another member is faulted', async () => {
    const { result, calls, firstId } = await twoExperiments(
      onContainer('docker', 'faultline-node2'),
      onContainer('network', 'faultline-node1'),
      ['faultline-lock-container-faultline-node2', 'faultline-lock-patroni-faultline-cluster'],
    );
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    assert.match(
      result.verdictReason,
      new RegExp(
        `^Patroni cluster faultline-cluster is already under an experiment \\(${firstId}, lock faultline-lock-patroni-faultline-cluster\\)`,
      ),
    );
    assert.deepEqual(calls, []);
    assert.equal(await status('faultline-lock-container-faultline-node1'), 'COMPLETED', 'taken, then given back');
  });

  it('targets without `touches` (older code) keep the old lock, and meet on the container all the same', async () => {
    const { result, calls, firstId } = await twoExperiments(
      onContainer('docker', 'faultline-db'),
      onContainer('network', 'faultline-db'),
      ['faultline-lock-container-faultline-db', 'faultline-lock-docker-faultline-db'],
      true,
    );
    assert.equal(result.verdict, 'not-run', result.verdictReason);
    assert.match(
      result.verdictReason,
      new RegExp(
        `^container faultline-db is already under an experiment \\(${firstId}, lock faultline-lock-container-faultline-db\\)`,
      ),
    );
    assert.deepEqual(calls, []);
    assert.equal(await status('faultline-lock-network-faultline-db'), undefined, 'the old lock after it never taken');
  });
});
