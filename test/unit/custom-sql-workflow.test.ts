/**
 * A worker whose FAULTLINE_CUSTOM_SQL refuses the definition's custom statements on a
 * path (checkCustomOperations fails with CustomSqlRefused) ends the experiment not-run, with the
 * refusal as its reason, before anything is measured or injected. Time-skipping test server,
 * stubbed activities, as in chaos-workflow.test.ts.
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
  'workload.custom: this worker does not run custom statements on path direct (FAULTLINE_CUSTOM_SQL refuses them on every connection)';

function stubs(calls: string[]): Stubs {
  return stubActivities(calls, {
    checkCustomOperations: async (path) => {
      calls.push(`plan ${path}`);
      throw ApplicationFailure.nonRetryable(REFUSAL, 'CustomSqlRefused');
    },
    ...mustNotRun(calls, {
      setupSchema: 'setup',
      checkSteadyState: 'check',
      measurePath: 'measure',
      injectFault: 'inject',
      restoreFault: 'restore',
    }),
  });
}

describe('chaosExperiment with custom statements the worker refuses (unit, stubbed activities)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  before(async function () {
    this.timeout(120_000);
    await workflowBundle();
    env = await timeSkippingEnvironment();
  });
  after(async () => await env?.teardown());

  it('ends not-run with the refusal as its reason; nothing measured, nothing injected', async () => {
    const calls: string[] = [];
    const taskQueue = 'unit-custom-sql';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubs(calls),
    });
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `unit-custom-sql-${Date.now()}`,
        args: [
          {
            name: 'unit',
            fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } },
            durations: { warmupSeconds: 30, faultSeconds: 120, recoveryTimeoutSeconds: 60 },
            workload: { custom: [{ name: 'qty', weight: 1, statement: 'SELECT qty FROM items' }] },
          },
        ],
      });
      return (await handle.result()) as ExperimentResult;
    });
    assert.equal(result.verdict, 'not-run');
    assert.equal(result.verdictReason, REFUSAL);
    assert.deepEqual(calls, ['resolve', 'budget', 'plan direct', 'report']);
  });
});
