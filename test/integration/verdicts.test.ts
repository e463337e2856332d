/**
 * Verdicts that cannot lie. Each test damages the real system the way a real failure would
 * and asserts the verdict, the report and the search attributes say so:
 * - the audit against a table the test damages on purpose (a deleted acknowledged payment, a changed
 *   amount), in an experiment that is also aborted: lost and wrong amount are counted, the verdict is
 *   violated (not just aborted) and FaultlineWritesLost finds it;
 * - a payment service that dies mid-run (connections refused, no HTTP answer at all) is a violation;
 * - the business-write audit against orders and logs the test deletes (acknowledged long before):
 *   each one lost, a purchase without its log not all or nothing, the verdict violated.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { experimentOrderPrefix } from '../../src/activities/workload/payments/payment-state';
import { runningProcess } from '../../src/lab/background-process';
import { PAYMENT_SERVICE } from '../../src/lab/lab';
import { startWorker } from '../../src/lab/worker-processes';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { abortSignal } from '../../src/shared/experiment-contract';
import { waitForPhase } from './harness/experiments';
import { ensureDbRunning, sqlQuery } from './harness/lab-database';
import { testClient } from './harness/temporal-client';
import type { Client } from '@temporalio/client';
import { experimentIdPrefix, writesInTables, writtenOf } from './harness/business-writes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A baseline with payments (no fault): the test does the damage itself during `measure`. */
const baseline = (name: string) => ({
  name,
  durations: { warmupSeconds: 3, faultSeconds: 20, recoveryTimeoutSeconds: 30 },
  steadyState: { windowSeconds: 1 },
  payments: { ratePerSecond: 5, channels: ['http', 'workflow'], auditTimeoutSeconds: 30 },
  report: { directory: 'test-artifacts/reports' },
});

/** Starts an experiment on the faultline queue. */
const startExperiment = (client: Client, workflowId: string, definition: unknown) =>
  client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, { taskQueue: EXPERIMENT_TASK_QUEUE, workflowId, args: [definition] });

/** The ids of the workflows a visibility query finds. */
async function workflowsMatching(client: Client, query: string): Promise<string[]> {
  const found: string[] = [];
  for await (const w of client.workflow.list({ query })) found.push(w.workflowId);
  return found;
}

describe('verdicts that cannot lie', function () {
  this.timeout(240_000);
  afterEach(ensureDbRunning);

  it('an aborted run with a lost payment and a changed amount is violated, and FaultlineWritesLost finds it', async () => {
    const client = await testClient();
    const workflowId = `test-damaged-${Date.now()}`;
    const handle = await startExperiment(client, workflowId, baseline('damaged-table'));
    await waitForPhase(handle, 'measure');
    await sleep(2000);
    // Two payments the service acknowledged (HTTP, confirmed), damaged behind its back.
    const prefix = experimentOrderPrefix(workflowId);
    const rows = await sqlQuery<{ order_id: string }>(
      "SELECT order_id FROM payments WHERE order_id LIKE $1 AND status = 'confirmed' ORDER BY order_id LIMIT 2",
      [`${prefix}-%-h%`],
    );
    assert.equal(rows.length, 2, 'two acknowledged payments to damage');
    await sqlQuery('DELETE FROM payments WHERE order_id = $1', [rows[0]!.order_id]);
    await sqlQuery('UPDATE payments SET amount = amount + 1 WHERE order_id = $1', [rows[1]!.order_id]);
    await handle.signal(abortSignal, 'test aborts after damaging the table');

    const result = (await handle.result()) as ExperimentResult;
    assert.equal(result.verdict, 'violated', result.verdictReason);
    assert.match(result.verdictReason, /payment audit: 1 lost, 1 wrong amount of \d+ acknowledged/);
    assert.match(result.verdictReason, /also aborted, signal: test aborts after damaging the table/);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const audit = report.payments!.audit!;
    assert.equal(audit.lost, 1);
    assert.equal(audit.wrongAmount, 1);
    assert.ok(
      audit.examples.some((e) => e === `${rows[0]!.order_id}: acknowledged, not in the table (lost)`),
      audit.examples.join('; '),
    );
    assert.deepEqual(
      await workflowsMatching(
        client,
        `WorkflowId = "${workflowId}" AND FaultlineWritesLost > 0 AND FaultlineVerdict = "violated"`,
      ),
      [workflowId],
      'the search attributes find the lost payment',
    );
  });

  it('a payment service that refuses connections mid-run is a violation, even with nothing lost', async () => {
    const client = await testClient();
    const workflowId = `test-service-down-${Date.now()}`;
    const handle = await startExperiment(client, workflowId, baseline('service-down'));
    await waitForPhase(handle, 'measure');
    const service = runningProcess(PAYMENT_SERVICE.name);
    assert.ok(service, 'the payment service runs');
    process.kill(service.pid, 'SIGKILL');
    await sleep(4000); // HTTP calls now find nothing listening
    assert.equal(await startWorker(PAYMENT_SERVICE), 'started');
    const result = (await handle.result()) as ExperimentResult;
    assert.equal(result.verdict, 'violated', result.verdictReason);
    assert.match(
      result.verdictReason,
      /the payment service refused or dropped \d+ connection\(s\) \(no HTTP answer at all\)/,
    );
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const network = report.payments!.workload.phases.reduce((n, p) => n + (p.create.outcomes.network ?? 0), 0);
    assert.ok(network > 0, 'the report counts the calls that got no answer');
  });

  it('acknowledged orders and logs deleted behind the workload: lost, a partial purchase, violated', async () => {
    const client = await testClient();
    const workflowId = `test-lost-writes-${Date.now()}`;
    const handle = await startExperiment(client, workflowId, {
      name: 'lost-business-writes',
      paths: ['direct'],
      workload: { weights: { read: 10, write: 50, transaction: 40 }, thinkTimeSeconds: { min: 0.02, max: 0.05 } },
      durations: { warmupSeconds: 2, faultSeconds: 8, recoveryTimeoutSeconds: 30 },
      steadyState: { windowSeconds: 1 },
      report: { directory: 'test-artifacts/reports' },
    });
    await waitForPhase(handle, 'measure');
    await sleep(3000);
    // Written at least a second ago in a run without a fault: acknowledged. Deleted as a lost commit would be.
    const prefix = experimentIdPrefix(workflowId);
    const deletedAt = Date.now();
    const old = "created_at < now()::timestamp - interval '1 second'";
    const deleted = await sqlQuery<{ what: string }>(
      `WITH o AS (DELETE FROM business_orders WHERE id IN (SELECT id FROM business_orders WHERE order_number LIKE $1
                    AND status = 'pending' AND ${old} LIMIT 3) RETURNING 'order' AS what),
            l AS (DELETE FROM business_logs WHERE id IN (SELECT id FROM business_logs WHERE details LIKE $2
                    AND ${old} LIMIT 2) RETURNING 'log' AS what),
            p AS (DELETE FROM business_logs WHERE id IN (SELECT id FROM business_logs WHERE details LIKE $3
                    AND ${old} LIMIT 1) RETURNING 'purchase log' AS what)
       SELECT what FROM o UNION ALL SELECT what FROM l UNION ALL SELECT what FROM p`,
      [`ORD-${prefix}-%`, `workload activity ${prefix}-%`, `order ORD-${prefix}-%`],
    );
    assert.equal(deleted.length, 6, `deleted ${JSON.stringify(deleted)}`);
    const result = (await handle.result()) as ExperimentResult;
    assert.equal(result.verdict, 'violated', result.verdictReason);
    assert.match(
      result.verdictReason,
      /business-write audit of direct: 5 lost, 1 partial purchase\(s\) of \d+ acknowledged/,
    );
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const [audit] = report.writeAudits!;
    assert.equal(audit!.lost, 5, 'the 3 orders and 2 logs the test deleted');
    assert.equal(audit!.partialPurchases, 1, 'the purchase whose log the test deleted');
    assert.equal(audit!.writer.startsWith('local socket'), false, audit!.writer);
    // The recovery point in time: the deleted writes were made more than a second before the delete.
    const span = audit!.lostSpan!;
    assert.ok(Date.parse(span.from) >= Date.parse(report.startedAt), `${span.from} after the start`);
    assert.ok(Date.parse(span.to) <= deletedAt, `${span.to} before the delete`);
    const tables = await writesInTables(workflowId);
    assert.equal(writtenOf(audit!), tables.orders + tables.logs, JSON.stringify(tables));
    assert.deepEqual(
      await workflowsMatching(client, `WorkflowId = "${workflowId}" AND FaultlineWritesLost = 5`),
      [workflowId],
      'FaultlineWritesLost says 5',
    );
  });
});
