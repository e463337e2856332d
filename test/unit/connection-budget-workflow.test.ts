/**
 * An experiment asking a server for more connections than it accepts
 * (checkConnectionBudget fails with ConnectionBudgetExceeded) ends not-run, the refusal as its
 * reason, before the target is locked, the tables set up, anything measured or injected.
 * Time-skipping test server, stubbed activities, as in chaos-workflow.test.ts.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import { mustNotRun, stubActivities, type Stubs } from './harness/stub-activities';
import { timeSkippingEnvironment, workflowBundle } from './harness/workflow-env';

const REFUSAL =
  'connection budget: workload.concurrentWorkers 400 (workload.client dedicated) on direct + ... = 806 connections on the PostgreSQL server at 172.18.0.2:5432, which accepts 297 (max_connections 300 − superuser_reserved_connections 3)';

function stubs(calls: string[], inputs: unknown[]): Stubs {
  return stubActivities(calls, {
    checkConnectionBudget: async (input) => {
      calls.push('budget');
      inputs.push(input);
      throw ApplicationFailure.nonRetryable(REFUSAL, 'ConnectionBudgetExceeded');
    },
    ...mustNotRun(calls, {
      lockOwner: 'lock',
      shardWorkers: 'shard workers',
      setupSchema: 'setup',
      checkSteadyState: 'check',
      measurePath: 'measure',
      injectFault: 'inject',
      restoreFault: 'restore',
    }),
  });
}

describe('chaosExperiment over its connection budget (unit, stubbed activities)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  before(async function () {
    this.timeout(120_000);
    await workflowBundle();
    env = await timeSkippingEnvironment();
  });
  after(async () => await env?.teardown());

  it('ends not-run with the refusal as its reason; nothing locked, set up, measured or injected', async () => {
    const calls: string[] = [];
    const inputs: unknown[] = [];
    const taskQueue = 'unit-connection-budget';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubs(calls, inputs),
    });
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `unit-connection-budget-${Date.now()}`,
        args: [
          {
            name: 'unit',
            fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } },
            durations: { warmupSeconds: 30, faultSeconds: 120, recoveryTimeoutSeconds: 60 },
            workload: { concurrentWorkers: 400, poolSize: 400, shards: 2 },
          },
        ],
      });
      return (await handle.result()) as ExperimentResult;
    });
    assert.equal(result.verdict, 'not-run');
    assert.equal(result.verdictReason, REFUSAL);
    assert.deepEqual(calls, ['resolve', 'budget', 'report']);
    const [input] = inputs as Array<{ paths: string[]; workload: { shards: number }; fault?: unknown }>;
    assert.deepEqual([input!.paths, input!.workload.shards, input!.fault !== undefined], [['direct'], 2, true]);
  });
});
