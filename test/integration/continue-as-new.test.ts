/**
 * An experiment with many repeated faults continues as new every `repeat.cyclesPerRun`
 * faults, so its history stays small at any number of faults; the measurement and the payment audit
 * are taken up by each next run, and the report covers every fault.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { recordHistory } from './harness/histories';
import { ensureDbRunning } from './harness/lab-database';
import { testClient } from './harness/temporal-client';

describe('many repeated faults: continue-as-new', function () {
  this.timeout(300_000);
  after(ensureDbRunning);

  it('three faults, one per run: every fault in the report, small histories, payments audited across runs', async () => {
    const client = await testClient();
    const workflowId = `test-continued-${Date.now()}`;
    const definition = {
      name: 'db-outage-three-runs',
      fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
      durations: { warmupSeconds: 3, faultSeconds: 2, recoveryTimeoutSeconds: 30 },
      repeat: { times: 3, everySeconds: 9, cyclesPerRun: 1 },
      workload: { thinkTimeSeconds: { min: 0.02, max: 0.05 } },
      steadyState: { windowSeconds: 1 },
      payments: { ratePerSecond: 4, channels: ['http', 'workflow'] },
      report: { directory: 'test-artifacts/reports' },
    };
    const first = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId,
      args: [definition],
    });
    const result = (await client.workflow.getHandle(workflowId).result()) as ExperimentResult;
    assert.equal(result.verdict, 'held', result.verdictReason);

    // Three runs: the first two continued as new, each with a small history.
    const runs = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs.push(execution);
    assert.equal(runs.length, 3, runs.map((r) => `${r.runId} ${r.status.name}`).join(', '));
    assert.equal(runs.filter((r) => r.status.name === 'CONTINUED_AS_NEW').length, 2);
    assert.equal(
      (await client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name,
      'CONTINUED_AS_NEW',
    );
    for (const run of runs) {
      const events = (await client.workflow.getHandle(workflowId, run.runId).fetchHistory()).events!.length;
      assert.ok(events < 150, `run ${run.runId}: ${events} history events`);
    }

    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.equal(report.cycles.length, 3);
    for (const c of report.cycles) assert.ok(c.recoveredAt && c.groundTruthDowntimeMs! >= 2000, JSON.stringify(c));
    const direct = report.paths[0]!;
    assert.deepEqual(
      direct.phases.filter((p) => p.phase === 'fault').map((p) => p.occurrence),
      [1, 2, 3],
      'the measurement was taken up by each run',
    );
    assert.equal(direct.cycles.length, 3);
    for (const c of direct.cycles) assert.equal(c.recovery, 'recovered');
    // Between runs the measurement hands over: short gaps, between faults, said in the report.
    assert.equal(direct.gaps.length, 2, JSON.stringify(direct.gaps));
    for (const g of direct.gaps) {
      assert.equal(g.cause, 'continued as new');
      assert.ok(
        Date.parse(g.end) - Date.parse(g.start) < 5000,
        `hand-over ${Date.parse(g.end) - Date.parse(g.start)} ms`,
      );
    }
    assert.equal(direct.downtimeInGapsMs, 0, 'no fault was on during a hand-over');
    const audit = report.payments!.audit!;
    assert.equal(audit.bySegment.length, 3, 'a payment segment per run');
    assert.ok(
      audit.bySegment.every((s) => s.complete && s.acknowledged > 0),
      JSON.stringify(audit.bySegment),
    );
    assert.equal(audit.lost, 0);
    assert.ok(audit.holds);
    await recordHistory(workflowId, 'continued-as-new');
  });
});
