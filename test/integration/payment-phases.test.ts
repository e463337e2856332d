/**
 * Each payment is measured under the phase it started in, by the workflow's own phase log, not the
 * phase as last polled (up to a poll late). Held to the payments table, which no faultline code
 * writes: the service stamps each row when its insert runs (`created_at`, the database's clock), and
 * a create acknowledged while the database answers promptly is inserted within a few ms of its
 * start. Docker's own `kill` event says when the database stopped answering.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { experimentOrderPrefix } from '../../src/activities/workload/payments/payment-state';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import { ContainerEvents } from './harness/container-events';
import { ensureDbRunning, sqlQuery } from './harness/lab-database';
import { testClient } from './harness/temporal-client';

/** A create started this close to a phase boundary may have its row on the other side of it. */
const SLACK_MS = 100;

describe('payments by the phase they started in', function () {
  this.timeout(240_000);
  after(ensureDbRunning);

  it('acknowledged creates per phase agree with the rows the service inserted in that phase', async () => {
    const workflowId = `test-payment-phases-${Date.now()}`;
    const definition = {
      name: 'payment-phases',
      paths: ['direct'],
      fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
      durations: { warmupSeconds: 4, faultSeconds: 3, recoveryTimeoutSeconds: 60 },
      steadyState: { windowSeconds: 2 },
      payments: { ratePerSecond: 20, channels: ['http'] },
      report: { directory: 'test-artifacts/reports' },
    };
    const events = await ContainerEvents.start(['kill']);
    let result: ExperimentResult;
    try {
      const client = await testClient();
      result = await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue: EXPERIMENT_TASK_QUEUE,
        workflowId,
        args: [definition],
      });
    } finally {
      events.stop();
    }
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const phases = report.paths[0]!.phases;
    const window = (name: string) => {
      const p = phases.find((ph) => ph.phase === name);
      assert.ok(p, `the experiment has a ${name} phase`);
      return { start: Date.parse(p.startedAt), end: Date.parse(p.endedAt) };
    };
    const acknowledged = (name: string) =>
      report.payments!.workload.phases.find((p) => p.phase === name && p.channel === 'http')?.create.acknowledged ?? 0;
    const rows = (
      await sqlQuery<{ at: string }>(
        `SELECT (extract(epoch FROM created_at) * 1000)::text AS at FROM payments WHERE order_id LIKE $1`,
        [`${experimentOrderPrefix(workflowId)}-%-h%`],
      )
    ).map((r) => Number(r.at));
    const between = (from: number, to: number) => rows.filter((at) => at >= from && at < to).length;

    const warmup = window('warmup');
    const inject = window('inject');
    const kill = events.first('faultline-db', ['kill'], inject.start - 5000);
    assert.ok(kill, "Docker recorded the stop's kill");
    const inWarmup = acknowledged('warmup');
    const inInject = acknowledged('inject');
    const rowsInWarmup = [
      between(warmup.start + SLACK_MS, warmup.end - SLACK_MS),
      between(warmup.start - SLACK_MS, warmup.end + SLACK_MS),
    ];
    const rowsInInject = between(inject.start + SLACK_MS, kill.at);
    process.stdout.write(
      `      warmup: ${inWarmup} acknowledged creates, rows ${rowsInWarmup[0]}-${rowsInWarmup[1]}; inject (${Math.round(kill.at - inject.start)} ms before the kill): ${inInject} acknowledged, ${rowsInInject} rows before the kill; ${rows.length} rows in all\n`,
    );
    // The database answered promptly all through warmup: each row of it is a create started in it.
    assert.ok(
      rowsInWarmup[0]! <= inWarmup && inWarmup <= rowsInWarmup[1]!,
      `warmup's acknowledged creates (${inWarmup}) are the rows inserted in it (${rowsInWarmup.join('-')})`,
    );
    // Rows inserted in inject before Docker stopped the database: creates started in inject, and
    // acknowledged there (the phase as polled had filed the first of them under warmup).
    assert.ok(rowsInInject > 0, 'payments were inserted between the injection and the kill');
    assert.ok(
      inInject >= rowsInInject,
      `inject's acknowledged creates (${inInject}) include its rows before the kill (${rowsInInject})`,
    );
    const total = report
      .payments!.workload.phases.filter((p) => p.channel === 'http')
      .reduce((n, p) => n + p.create.acknowledged, 0);
    assert.ok(total <= rows.length, `every acknowledged create has its row (${total} <= ${rows.length})`);
  });
});
