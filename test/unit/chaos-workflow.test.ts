/**
 * The chaosExperiment workflow's logic, on Temporal's time-skipping test server with
 * stubbed activities (no Docker, no lab): the order of its steps, and what it does on abort, cancel,
 * a repeated fault, a steady state that does not hold, a refused or locked target, a failing
 * restore and a stop condition. Fault windows of minutes pass in milliseconds.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { ExperimentOutcome, ExperimentResult } from '../../src/shared/experiment-types';
import { abortSignal, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import { steadyState, stubActivities, type Stubs, FULL_RUN_CALLS } from './harness/stub-activities';
import { timeSkippingEnvironment, workflowBundle } from './harness/workflow-env';

interface Scenario {
  beforeHolds?: boolean;
  /** The restore fails this many times before it works. */
  restoreFailures?: number;
  refuse?: boolean;
  /** Run while the first measurement starts (a signal, say). */
  duringMeasure?: (workflowId: string) => Promise<void>;
}

/** The harness's stubs, as the scenario has them; `outcomes` gets what is reported. */
function stubs(s: Scenario, calls: string[], outcomes: ExperimentOutcome[]): Stubs {
  let checks = 0;
  let restoreFailures = s.restoreFailures ?? 0;
  const stub = stubActivities(calls);
  return {
    ...stub,
    resolveFaultTarget: async (fault) => {
      if (!s.refuse) return await stub.resolveFaultTarget(fault);
      calls.push('resolve');
      throw ApplicationFailure.nonRetryable('fault.target: container "x" is not opted in', 'TargetRefused');
    },
    checkSteadyState: async () => (calls.push('check'), steadyState(checks++ > 0 || (s.beforeHolds ?? true))),
    measurePath: async (input) => {
      const measured = await stub.measurePath(input);
      await s.duringMeasure?.(Context.current().info.workflowExecution!.workflowId);
      return measured;
    },
    restoreFault: async (...args) => {
      if (restoreFailures-- <= 0) return await stub.restoreFault(...args);
      calls.push('restore');
      throw new Error('docker engine not answering');
    },
    writeReport: async (outcome) => (outcomes.push(outcome), await stub.writeReport(outcome)),
  };
}

const definition = (extra: Record<string, unknown> = {}) => ({
  name: 'unit',
  fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } },
  durations: { warmupSeconds: 30, faultSeconds: 120, recoveryTimeoutSeconds: 60 },
  ...extra,
});

describe('chaosExperiment on the time-skipping test server (unit, stubbed activities)', function () {
  this.timeout(60_000);
  let env: TestWorkflowEnvironment;
  before(async function () {
    this.timeout(120_000);
    await workflowBundle();
  });
  // A server of its own for every test: the test server's time-skipping lock is shared state, and
  // a test that ends with work in flight (a cancel, say) must not stop time for the next one.
  beforeEach(async function () {
    this.timeout(60_000);
    env = await timeSkippingEnvironment();
  });
  afterEach(async () => await env?.teardown());

  let counter = 0;
  async function run(
    input: unknown,
    scenario: Scenario = {},
    act?: (workflowId: string) => Promise<void>,
  ): Promise<{
    calls: string[];
    outcomes: ExperimentOutcome[];
    result?: ExperimentResult;
    error?: unknown;
    phases: string[];
  }> {
    const calls: string[] = [];
    const outcomes: ExperimentOutcome[] = [];
    const taskQueue = `unit-${++counter}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: stubs(scenario, calls, outcomes),
    });
    const workflowId = `unit-${counter}-${Date.now()}`;
    return await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue,
        workflowId,
        args: [input],
      });
      await act?.(workflowId);
      let result: ExperimentResult | undefined;
      let error: unknown;
      try {
        result = (await handle.result()) as ExperimentResult;
      } catch (err) {
        error = err;
      }
      const phases: string[] = [];
      for (const e of (await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []) {
        const payload =
          e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.FaultlinePhase;
        if (payload?.data) phases.push(JSON.parse(Buffer.from(payload.data).toString()) as string);
      }
      return { calls, outcomes, result, error, phases };
    });
  }

  it('runs the steps in the runbook order, and holds', async () => {
    const { calls, result, phases } = await run(definition());
    assert.equal(result?.verdict, 'held', result?.verdictReason);
    assert.deepEqual(phases, [
      'setup',
      'steady-state-before',
      'warmup',
      'inject',
      'fault',
      'restore',
      'recovery',
      'steady-state-after',
      'audit',
      'report',
      'done',
    ]);
    assert.deepEqual(calls, FULL_RUN_CALLS);
  });

  it('does not inject when the steady state does not hold before: not-run', async () => {
    const { calls, result } = await run(definition(), { beforeHolds: false });
    assert.equal(result?.verdict, 'not-run');
    assert.ok(!calls.includes('inject') && !calls.some((c) => c.startsWith('measure')), calls.join(', '));
  });

  it('refuses a target that is not opted in: not-run, nothing else done', async () => {
    const { calls, result } = await run(definition(), { refuse: true });
    assert.equal(result?.verdict, 'not-run');
    assert.match(result!.verdictReason, /target refused: fault\.target/);
    assert.deepEqual(calls, ['resolve', 'report']);
  });

  it('the abort signal mid-fault: the rollback runs at once, aborted', async () => {
    const { calls, result, outcomes } = await run(definition(), {}, async (id) => {
      const handle = env.client.workflow.getHandle(id);
      // The signal lands during the 120 s fault window (time skips to it).
      await env.sleep('40 seconds');
      await handle.signal(abortSignal, 'unit says stop');
    });
    assert.equal(result?.verdict, 'aborted');
    assert.match(result!.verdictReason, /signal: unit says stop/);
    assert.ok(calls.includes('restore'));
    assert.equal(outcomes[0]!.cycles?.length, 1);
  });

  it('a cancel mid-fault: the rollback runs (it cannot be cancelled), and the workflow ends cancelled', async () => {
    const { calls, error } = await run(definition(), {}, async (id) => {
      await env.sleep('40 seconds');
      await env.client.workflow.getHandle(id).cancel();
    });
    assert.ok(
      error instanceof WorkflowFailedError && /cancelled/.test(String(error.cause?.message)),
      `${String(error)}: ${(error as WorkflowFailedError).cause?.message}`,
    );
    assert.ok(calls.indexOf('restore') > calls.indexOf('inject'));
    assert.ok(calls.includes('report'));
  });

  it('a restore that fails is retried until it works: the fault never stays on', async () => {
    const { calls, result } = await run(definition(), { restoreFailures: 3 });
    assert.equal(result?.verdict, 'held');
    assert.equal(calls.filter((c) => c === 'restore').length, 4);
  });

  it('a stop condition (the workload signals abort) ends it aborted, restored', async () => {
    const { calls, result } = await run(definition(), {
      // As the real workload does: the measuring activity itself signals, before it returns.
      duringMeasure: async (id) => {
        await env.client.workflow
          .getHandle(id)
          .signal(abortSignal, 'stop condition: error rate on direct above 50.0% for 3 s after the fault window');
      },
    });
    assert.equal(result?.verdict, 'aborted');
    assert.match(result!.verdictReason, /stop condition/);
    assert.ok(!calls.includes('inject') || calls.includes('restore'));
  });

  it('repeats the fault and continues as new every cyclesPerRun faults, taking the measurement up', async () => {
    const { calls, result, outcomes } = await run(
      definition({ repeat: { times: 3, everySeconds: 300, cyclesPerRun: 2 } }),
    );
    assert.equal(result?.verdict, 'held', result?.verdictReason);
    assert.equal(calls.filter((c) => c === 'inject').length, 3);
    assert.deepEqual(
      calls.filter((c) => c.startsWith('measure')),
      ['measure direct', 'measure direct (continued)'],
    );
    assert.equal(outcomes[0]!.cycles?.length, 3, 'every fault of every run in the report');
  });
});
