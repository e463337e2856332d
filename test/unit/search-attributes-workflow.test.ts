/**
 * An experiment on a Temporal server that lacks faultline's search attributes (one faultline does
 * not own, as Temporal Cloud): it runs to its verdict, upserting none of them, and its report
 * names them. Time-skipping test server started without them, stubbed activities.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { ExperimentOutcome, ExperimentResult } from '../../src/shared/experiment-types';
import { EXPERIMENT_WORKFLOW_TYPE, SEARCH_ATTRIBUTE_DEFINITIONS } from '../../src/shared/experiment-contract';
import { stubActivities, type Stubs, FULL_RUN_CALLS } from './harness/stub-activities';
import { timeSkippingEnvironment, workflowBundle } from './harness/workflow-env';

const ALL = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name);
const definition = {
  name: 'unit',
  fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } },
  durations: { warmupSeconds: 30, faultSeconds: 120, recoveryTimeoutSeconds: 60 },
};

describe('chaosExperiment on a server without its search attributes (unit, stubbed activities)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  before(async function () {
    this.timeout(120_000);
    await workflowBundle();
    env = await timeSkippingEnvironment({ searchAttributes: false });
  });
  after(async () => await env?.teardown());

  let n = 0;
  async function withWorker<T>(stubs: Stubs, use: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = `unit-search-attributes-${++n}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubs,
    });
    return await worker.runUntil(use(taskQueue));
  }

  async function run(registered: Stubs['registeredSearchAttributes']) {
    const calls: string[] = [];
    const outcomes: ExperimentOutcome[] = [];
    const stub = stubActivities(calls, { registeredSearchAttributes: registered! });
    const workflowId = `unit-search-attributes-${Date.now()}-${n}`;
    const result = await withWorker(
      { ...stub, writeReport: async (o) => (outcomes.push(o), await stub.writeReport(o)) },
      async (taskQueue) =>
        (await env.client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
          taskQueue,
          workflowId,
          args: [definition],
        })) as ExperimentResult,
    );
    return { result, outcome: outcomes[0]!, calls, workflowId };
  }

  it('runs to its verdict and names every attribute missing when the server has none', async () => {
    const { result, outcome, calls } = await run(async () => []);
    assert.equal(result.verdict, 'held');
    assert.deepEqual(calls, FULL_RUN_CALLS);
    assert.deepEqual(result.searchAttributesMissing, ALL);
    assert.deepEqual(outcome.searchAttributesMissing, { names: ALL });
  });

  it('marks the question with its patch, and its history replays', async () => {
    const { workflowId } = await run(async () => []);
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const markers = history.events?.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch') ?? [];
    assert.ok(markers.length > 0, 'no patch marker');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId);
  });

  it('upserts none when the server will not say which it has, and says why', async () => {
    const { result, outcome } = await run(async () => {
      throw ApplicationFailure.nonRetryable('7 PERMISSION_DENIED: request unauthorized', 'PermissionDenied');
    });
    assert.equal(result.verdict, 'held');
    assert.deepEqual(outcome.searchAttributesMissing?.names, ALL);
    assert.match(outcome.searchAttributesMissing?.unknown ?? '', /PERMISSION_DENIED/);
  });

  it('upserts those the server has, and only those', async () => {
    const some = ['FaultlinePhase', 'FaultlineVerdict'];
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        some.map((name) => [name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
    const { result, workflowId } = await run(async () => some);
    assert.equal(result.verdict, 'held');
    assert.deepEqual(
      result.searchAttributesMissing,
      ALL.filter((name) => !some.includes(name)),
    );
    const { searchAttributes } = await env.client.workflow.getHandle(workflowId).describe();
    assert.deepEqual([searchAttributes.FaultlinePhase, searchAttributes.FaultlineVerdict], [['done'], ['held']]);
  });

  it('would be stuck upserting them all: the server fails the workflow task (the premise)', async () => {
    const failedTask = await withWorker(stubActivities([]), async (taskQueue) => {
      const handle = await env.client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: `unit-search-attributes-premise-${Date.now()}`,
        args: [definition],
      });
      try {
        for (let i = 0; i < 50; i++) {
          const { events } = await handle.fetchHistory();
          const failed = events?.find((e) => e.workflowTaskFailedEventAttributes);
          if (failed) return failed.workflowTaskFailedEventAttributes?.failure?.message ?? '';
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return undefined;
      } finally {
        await handle.terminate('test over');
      }
    });
    assert.ok(failedTask !== undefined, 'the workflow task did not fail');
  });
});
