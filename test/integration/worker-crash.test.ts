/**
 * A worker crash loses no figure and no payment. Mid-fault, the `faultline` worker
 * is killed with SIGKILL; a new one starts after the fault window has ended (and after the
 * workloads' heartbeat timeout). The workflow resumes, restores the database and reports: figures
 * from before the crash, a measurement gap as long as no worker ran, the whole outage as downtime,
 * and an audit that covers the payments acknowledged before the crash (counted here from the
 * payments table, the service's side).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { experimentOrderPrefix } from '../../src/activities/workload/payments/payment-state';
import { runningProcess } from '../../src/lab/background-process';
import { FAULTLINE_WORKER } from '../../src/lab/lab';
import { startWorker } from '../../src/lab/worker-processes';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { waitForPhase } from './harness/experiments';
import { recordHistory } from './harness/histories';
import { dbContainer, ensureDbRunning, sqlQuery, waitUntilServing } from './harness/lab-database';
import { testClient } from './harness/temporal-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker crash mid-fault', function () {
  this.timeout(300_000);
  after(ensureDbRunning);

  it('a new worker resumes the experiment and its measurement: figures, gap, downtime and audit all hold up', async () => {
    const client = await testClient();
    const workflowId = `crash-${Date.now()}`;
    const handle = await client.workflow.start('chaosExperiment', {
      taskQueue: 'faultline',
      workflowId,
      args: [
        {
          name: 'worker-crash',
          paths: ['direct', 'proxy'],
          fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
          durations: { warmupSeconds: 4, faultSeconds: 12, recoveryTimeoutSeconds: 60 },
          workload: { thinkTimeSeconds: { min: 0.02, max: 0.05 } },
          steadyState: { windowSeconds: 1 },
          payments: { ratePerSecond: 5, channels: ['http', 'workflow'] },
          report: { directory: 'test-artifacts/reports' },
        },
      ],
    });
    await waitForPhase(handle, 'fault');
    await sleep(2000);
    assert.equal((await dbContainer().inspect()).State.Running, false, 'db is down: the fault is on');

    const worker = FAULTLINE_WORKER;
    const old = runningProcess(worker.name);
    assert.ok(old, 'the lab worker runs');
    process.kill(old.pid, 'SIGKILL');
    const killedAt = Date.now();
    // Past the fault window (12 s) and the workloads' heartbeat timeout (15 s): nothing runs meanwhile.
    await sleep(20_000);
    assert.equal((await dbContainer().inspect()).State.Running, false, 'nothing restored the db without a worker');

    assert.equal(await startWorker(worker), 'started');
    const workerReadyAt = Date.now();
    const serving = await waitUntilServing('direct', 120_000);
    process.stdout.write(
      `      worker crash: db serving again ${serving - workerReadyAt} ms after the new worker polled\n`,
    );
    // What the service stored before the crash (the database was down from the fault until the restore).
    const prefix = experimentOrderPrefix(workflowId);
    const [stored] = await sqlQuery<{ n: number }>(
      'SELECT count(*)::int AS n FROM payments WHERE order_id LIKE $1 AND created_at < to_timestamp($2 / 1000.0)',
      [`${prefix}-%`, killedAt],
    );
    const beforeCrash = stored!.n;

    const result = (await handle.result()) as ExperimentResult;
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const noWorkerMs = workerReadyAt - killedAt;
    for (const path of report.paths) {
      const phase = (name: string) => path.phases.find((p) => p.phase === name);
      // Figures from before the crash survived it.
      assert.ok(
        (phase('warmup')?.total.successes ?? 0) > 20,
        `${path.path}: warmup figures kept (${phase('warmup')?.total.successes})`,
      );
      // The outage as seen before the crash: failures (direct) or operations held (the proxy holds them).
      const window = path.downtimeWindows.find((w) => Date.parse(w.start) < killedAt);
      assert.ok(
        window && window.failures + window.stalls > 0,
        `${path.path}: the outage seen before the crash is kept: ${JSON.stringify(path.downtimeWindows)}`,
      );
      assert.ok(
        (phase('fault')?.total.attempts ?? 0) > 0 || window.stalls > 0,
        `${path.path}: fault figures from before the crash kept`,
      );
      // The gap is the time no worker ran.
      assert.equal(path.gaps.length, 1, JSON.stringify(path.gaps));
      const gap = path.gaps[0]!;
      const gapMs = Date.parse(gap.end) - Date.parse(gap.start);
      process.stdout.write(
        `      ${path.path}: gap ${gapMs} ms (${gap.cause}) vs ${noWorkerMs} ms without a worker; downtime ${path.downtimeMs} ms vs ground truth ${report.cycles[0]!.groundTruthDowntimeMs} ms\n`,
      );
      assert.equal(gap.cause, 'worker lost');
      assert.ok(Math.abs(gapMs - noWorkerMs) <= 1000, `gap ${gapMs} ms vs ${noWorkerMs} ms without a worker`);
      // The whole outage counts: no operation could close the window while no worker ran.
      assert.ok(
        path.cycles[0]!.detectedDowntimeMs >= 0.9 * report.cycles[0]!.groundTruthDowntimeMs!,
        `${path.path}: ${path.cycles[0]!.detectedDowntimeMs} ms of ${report.cycles[0]!.groundTruthDowntimeMs} ms`,
      );
      assert.ok(path.downtimeInGapsMs > 0.8 * gapMs, 'the report says how much of the downtime fell in the gap');
    }
    // The verdict says the measurement had a gap, and the search attribute has it.
    assert.match(result.verdictReason, /WITH MEASUREMENT GAPS/);
    const description = await handle.describe();
    const gapAttribute = description.searchAttributes.FaultlineGapMs?.[0] as number | undefined;
    assert.ok((gapAttribute ?? 0) > 15_000, `FaultlineGapMs ${gapAttribute}`);

    // The audit covers the payments acknowledged before the crash.
    const audit = report.payments!.audit!;
    process.stdout.write(
      `      audit: ${audit.acknowledged} acknowledged (${audit.bySegment.map((s) => `${s.prefix.slice(-2)} ${s.acknowledged}${s.complete ? '' : ` + ${s.unknownWritten} unknown`}`).join(', ')}), ${beforeCrash} stored before the crash, ${audit.lost} lost\n`,
    );
    assert.equal(audit.incompleteSegments, 1);
    const first = audit.bySegment[0]!;
    assert.equal(first.complete, false);
    assert.ok(
      first.acknowledged + first.unknownWritten >= beforeCrash - 5,
      `segment 1: ${first.acknowledged} acknowledged + ${first.unknownWritten} unknown vs ${beforeCrash} stored before the crash`,
    );
    assert.ok(
      first.acknowledged >= 0.8 * beforeCrash,
      `most of them with a known acknowledgement (${first.acknowledged} of ${beforeCrash})`,
    );
    assert.equal(audit.lost, 0);
    assert.equal(audit.duplicated, 0);
    assert.equal((await dbContainer().inspect()).State.Running, true);
    await recordHistory(workflowId, 'worker-crash');
  });
});
