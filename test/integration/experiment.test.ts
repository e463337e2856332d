/** The chaos experiment end to end on the real lab. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import { launchBrowser } from './harness/browser';
import { dbContainer, ensureDbRunning } from './harness/lab-database';
import { runExperiment, waitForPhase, writeDefinition } from './harness/experiments';
import { recordHistory } from './harness/histories';
import { runCli, runProgram } from './harness/run-cli';
import { testClient } from './harness/temporal-client';
import { assertAuditMatches } from './harness/business-writes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const example = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'db-outage.json'), 'utf8'));
/** The example, shortened for the suite. */
const shortOutage = (overrides: Record<string, unknown> = {}) => ({
  ...example,
  durations: { warmupSeconds: 4, faultSeconds: 5, recoveryTimeoutSeconds: 30 },
  steadyState: { minSuccessRate: 0.99, maxP99Ms: 1000, windowSeconds: 2 },
  report: { directory: 'test-artifacts/reports' },
  ...overrides,
});

describe('chaos experiment (db-outage) on the real lab', function () {
  this.timeout(240_000);
  afterEach(ensureDbRunning);

  it('stops db for the fault window, measures it, restores it and reports in JSON, HTML and console', async () => {
    const { cli: result, last, report, junit } = await runExperiment('outage', shortOutage(), 200_000);
    assert.equal(last.verdict, 'held');
    assert.match(result.stdout, /Detected downtime/);
    // The JUnit file, read by Python's XML parser (not ours): one case per steady-state check and
    // path, and the verdict; the path's case gives the report's downtime.
    const parsed = await runProgram('python3', [
      '-c',
      'import json,sys,xml.etree.ElementTree as E; s=E.parse(sys.argv[1]).getroot().find("testsuite"); ' +
        'print(json.dumps({"tests": int(s.get("tests")), "failures": int(s.get("failures")), ' +
        '"cases": [[c.get("name"), c.get("time"), (c.findtext("system-out") or ""), c.find("failure") is not None] for c in s.findall("testcase")]}))',
      junit,
    ]);
    assert.equal(parsed.code, 0, parsed.stderr);
    const suite = JSON.parse(parsed.stdout) as {
      tests: number;
      failures: number;
      cases: Array<[string, string, string, boolean]>;
    };
    const paths = report.paths.map((p) => p.path);
    assert.deepEqual(
      suite.cases.map((c) => c[0]),
      [
        ...paths.map((p) => `steady state before: ${p}`),
        ...paths.map((p) => `steady state after: ${p}`),
        ...paths.map((p) => `path ${p}`),
        'verdict: held',
      ],
    );
    assert.equal(suite.failures, 0);
    const pathCase = suite.cases.find((c) => c[0] === `path ${paths[0]}`)!;
    assert.equal(Number(pathCase[1]), report.paths[0]!.downtimeMs / 1000, 'the case time is the path downtime');
    assert.match(pathCase[2], new RegExp(`detected downtime ${(report.paths[0]!.downtimeMs / 1000).toFixed(2)} s`));

    assert.equal(report.schemaVersion, 1);
    assert.equal(report.verdict, 'held');
    const [direct] = report.paths;
    assert.ok(direct);
    const phase = (name: string) => direct.phases.find((p) => p.phase === name);
    assert.equal(phase('warmup')?.total.failures, 0, 'no failure during warmup');
    assert.ok((phase('warmup')?.total.successes ?? 0) > 0);
    assert.ok((phase('fault')?.total.failures ?? 0) > 0, 'failures during the fault window');
    assert.ok(report.faultWindowMs !== null && report.faultWindowMs > 5000);
    assert.ok(
      Math.abs(direct.downtimeMs - report.faultWindowMs!) <= 500,
      `downtime ${direct.downtimeMs} ms vs ground truth ${report.faultWindowMs} ms`,
    );
    // Recovery after the restore: the db was down when it was asked for, so never 0.
    assert.equal(direct.cycles[0]!.recovery, 'recovered');
    assert.ok(
      direct.recoveryMs !== null && direct.recoveryMs > 0 && direct.recoveryMs < 10_000,
      `recovery ${direct.recoveryMs} ms`,
    );
    for (const key of [
      'injectRequestedAt',
      'targetDownAt',
      'restoreRequestedAt',
      'targetRunningAt',
      'servingAgainAt',
      'recoveredAt',
    ] as const) {
      assert.ok(report.timestamps[key], `timestamp ${key}`);
    }
    assert.equal((await dbContainer().inspect()).State.Running, true, 'db runs at the end');

    // Every acknowledged business write is on the writer, and the audit's figures are the table's.
    await assertAuditMatches(report);
    for (const a of report.writeAudits!) {
      assert.ok(a.holds && a.lost === 0 && a.acknowledged > 0, `${a.path}: ${JSON.stringify(a)}`);
    }
    assert.match(result.stdout, /Business-write audit/);

    // The HTML page renders in a real browser, with its charts drawn.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
      await page.goto(`file://${last.report.html}`);
      const lines = await page
        .locator('svg.chart path.line')
        .evaluateAll((els) => els.map((e) => (e.getAttribute('d') ?? '').length));
      assert.ok(lines.length >= 2 && lines.every((n) => n > 20), `chart lines: ${lines}`);
      assert.equal(
        await page.locator('svg.chart rect.fault').count(),
        2,
        'the fault window is shaded on both time charts',
      );
      assert.ok((await page.locator('svg.chart rect.p99').count()) >= 3);
      assert.match(await page.locator('.verdict').innerText(), /held/);
      assert.match(
        await page.locator('section.audit', { hasText: 'Business-write audit' }).innerText(),
        /Business-write audit[\s\S]*HOLDS: [\d,]+ acknowledged/,
      );
      mkdirSync(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({
        path: path.join(PROJECT_ROOT, 'test-artifacts', 'db-outage-report.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
    await recordHistory(last.workflowId, 'db-outage');
  });

  for (const how of ['cancel', 'abort'] as const) {
    it(`${how === 'cancel' ? 'temporal workflow cancel' : 'the abort signal'} mid-fault restores db and marks the report`, async () => {
      const client = await testClient();
      const workflowId = `test-${how}-${Date.now()}`;
      const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue: EXPERIMENT_TASK_QUEUE,
        workflowId,
        args: [shortOutage({ durations: { warmupSeconds: 2, faultSeconds: 120, recoveryTimeoutSeconds: 30 } })],
      });
      await waitForPhase(handle, 'fault');
      assert.equal((await dbContainer().inspect()).State.Running, false, 'db is down during the fault');
      // `faultline status` shows the phase and the workload's live counters.
      const expected = new RegExp(
        `${workflowId}: fault, \\d+ s elapsed, \\d+ s left in phase  direct: \\d+ ops/s, 100% errors`,
      );
      let status = '';
      for (let i = 0; i < 80 && !expected.test(status); i++) {
        status = (await runCli(['status', workflowId])).stdout;
        await sleep(500);
      }
      assert.match(status, expected);
      if (how === 'cancel') {
        // Through the real `temporal` CLI, as an operator would.
        const cancelled = await runProgram(labSettings().temporalCli, [
          'workflow',
          'cancel',
          '--workflow-id',
          workflowId,
          '--address',
          labSettings().temporalAddress,
        ]);
        assert.equal(cancelled.code, 0, cancelled.stderr);
        const ended = await handle.result().then(
          (r) => `completed (${r.verdict})`,
          (err: unknown) => (err instanceof WorkflowFailedError ? `failed: ${err.cause?.message}` : String(err)),
        );
        assert.match(ended, /^failed: experiment cancelled; report: /);
      } else {
        const sent = await runCli(['abort', workflowId, '--reason', 'test says stop']);
        assert.equal(sent.code, 0, sent.stderr);
        const result = await handle.result();
        assert.equal(result.verdict, 'aborted');
        assert.match(result.verdictReason, /signal: test says stop/);
      }
      assert.equal((await dbContainer().inspect()).State.Running, true, 'db was restored');
      const report = JSON.parse(
        readFileSync(path.join(PROJECT_ROOT, 'test-artifacts', 'reports', workflowId, 'report.json'), 'utf8'),
      ) as ExperimentReport;
      assert.equal(report.verdict, 'aborted');
      assert.equal(report.abort?.by, how === 'cancel' ? 'cancel' : 'signal');
      assert.ok(report.timestamps.restoreRequestedAt && report.timestamps.servingAgainAt);
      assert.ok(report.paths[0]!.overall.total.attempts > 0, 'the measurements up to the abort are kept');
      await recordHistory(workflowId, `db-outage-${how}`);
    });
  }

  const actions = [
    { action: 'pause', restoredBy: 'unpause' },
    { action: 'kill', restoredBy: 'start' },
    { action: 'restart', restoredBy: 'none' },
    { action: 'network-disconnect', restoredBy: 'network-connect' },
  ] as const;
  for (const { action, restoredBy } of actions) {
    it(`docker ${action}: injected, restored by ${restoredBy}, db serving at the end`, async () => {
      const client = await testClient();
      const workflowId = `test-${action}-${Date.now()}`;
      const definition = shortOutage({
        name: `db-${action}`,
        fault: { kind: 'docker', action, target: { label: 'faultline.role=database' }, gracePeriodSeconds: 1 },
        durations: { warmupSeconds: 2, faultSeconds: 3, recoveryTimeoutSeconds: 60 },
        workload: { thinkTimeSeconds: { min: 0.02, max: 0.05 } },
      });
      const result = await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
        taskQueue: EXPERIMENT_TASK_QUEUE,
        workflowId,
        args: [definition],
      });
      const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
      assert.equal(report.restore?.action, restoredBy);
      assert.equal(report.fault.target, 'faultline-db');
      const faulted = report.paths[0]!.phases.filter((p) =>
        ['inject', 'fault', 'restore', 'recovery'].includes(p.phase),
      );
      if (action === 'pause') {
        // A paused server does not fail queries, it holds them: latency shows it.
        const slowest = Math.max(...faulted.map((p) => p.total.latencyMs.max ?? 0));
        assert.ok(slowest >= 2000, `pause held operations (slowest ${slowest} ms)`);
      } else {
        assert.ok(faulted.reduce((n, p) => n + p.total.failures, 0) > 0, `${action} made operations fail`);
      }
      assert.equal(report.verdict, 'held', report.verdictReason);
      const state = (await dbContainer().inspect()).State;
      assert.ok(state.Running && !state.Paused);
      if (action === 'pause') await recordHistory(workflowId, 'db-pause');
    });
  }

  it('repeats the fault: two stops 9 s apart, each restored and recovered, both in the report', async () => {
    const client = await testClient();
    const workflowId = `test-repeat-${Date.now()}`;
    const definition = shortOutage({
      name: 'db-outage-twice',
      durations: { warmupSeconds: 2, faultSeconds: 3, recoveryTimeoutSeconds: 30 },
      repeat: { times: 2, everySeconds: 9 },
    });
    const result = await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId,
      args: [definition],
    });
    assert.equal(result.verdict, 'held', result.verdictReason);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.equal(report.cycles?.length, 2);
    for (const c of report.cycles!) {
      assert.ok(c.recoveredAt, `fault ${c.cycle} recovered`);
      assert.ok(c.faultWindowMs! >= 3000, `fault ${c.cycle} lasted its window (${c.faultWindowMs} ms)`);
    }
    const gap = Date.parse(report.cycles![1]!.injectRequestedAt) - Date.parse(report.cycles![0]!.injectRequestedAt);
    // Timed by the workflow from one injection to the next; the activities' own timestamps jitter by ms.
    assert.ok(gap >= 8750 && gap < 12_000, `the second fault started 9 s after the first (${gap} ms)`);
    const direct = report.paths[0]!;
    assert.equal(direct.downtimeWindows.filter((w) => w.durationMs > 1000).length, 2, 'two outages measured');
    // Every phase figure per cycle: the second fault has its own span, not one stretched over both.
    const faults = direct.phases.filter((p) => p.phase === 'fault');
    assert.deepEqual(
      faults.map((p) => p.occurrence),
      [1, 2],
    );
    for (const f of faults)
      assert.ok(f.durationMs >= 2500 && f.durationMs < 5000, `a fault phase spans its own window (${f.durationMs} ms)`);
    assert.equal(direct.cycles.length, 2);
    for (const c of direct.cycles) {
      assert.equal(c.recovery, 'recovered', JSON.stringify(c));
      assert.ok(c.recoveryMs! > 0 && c.recoveryMs! < 10_000, `recovery after each restore (${c.recoveryMs} ms)`);
      assert.ok(
        c.detectedDowntimeMs > 2500 && c.detectedDowntimeMs < 6000,
        `each cycle's own downtime (${c.detectedDowntimeMs} ms)`,
      );
    }
    assert.match(
      readFileSync(result.report.json.replace(/report\.json$/, 'summary.txt'), 'utf8'),
      /Repeated: 2 faults, every 9 s/,
    );
    await recordHistory(workflowId, 'db-outage-repeated');
  });

  it('background pgbench is started again after the outage kills it, and its figures per phase are in all three forms', async () => {
    const client = await testClient();
    const definition = shortOutage({
      name: 'db-outage-pgbench',
      workload: { pgbench: { enabled: true, clients: 4 } },
      durations: { warmupSeconds: 4, faultSeconds: 4, recoveryTimeoutSeconds: 30 },
    });
    const result = await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-pgbench-${Date.now()}`,
      args: [definition],
    });
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const b = report.paths[0]!.pgbench!;
    assert.ok(b, 'pgbench figures in the report');
    assert.ok(
      (b.restarts ?? 0) >= 1,
      `pgbench was started again after the outage (${b.restarts} restarts, last exit ${b.exitCode})`,
    );
    assert.ok(
      b.gaps!.some((g) => g.cause === 'pgbench exited' && g.exitCode === 2 && g.end !== null),
      JSON.stringify(b.gaps),
    );
    const phase = (name: string) => b.byPhase!.find((p) => p.phase === name);
    assert.ok((phase('warmup')?.transactions ?? 0) > 100, 'load before the fault');
    assert.ok(
      (phase('recovery')?.transactions ?? 0) + (phase('steady-state-after')?.transactions ?? 0) > 100,
      'and after it: it runs again',
    );
    assert.ok(
      b.byPhase!.reduce((ms, p) => ms + p.notRunningMs, 0) > 2000,
      `the time it was not running is counted: ${JSON.stringify(b.byPhase)} gaps ${JSON.stringify(b.gaps)}`,
    );
    assert.match(
      result.summary,
      /pgbench background load \(4 clients\): [\d,]+ transactions, [\d,]+ failed, [\d.]+ tps while running; it stopped and was started again \d+ time/,
    );
    assert.match(result.summary, /pgbench warmup\s+[\d,]+ tx/);
    assert.match(
      readFileSync(result.report.html, 'utf8'),
      /<table class="pgbench"><caption>Background load: pgbench, 4 clients/,
    );
  });

  it('rejects an invalid definition before anything is injected, naming the field', async () => {
    const before = (await dbContainer().inspect()).State.StartedAt;
    const bad = shortOutage({ durations: { warmupSeconds: 4, faultSeconds: -3, recoveryTimeoutSeconds: 30 } });
    const result = await runCli(['run', writeDefinition('invalid', bad)], {}, 60_000);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /durations\.faultSeconds: must be >= 1/);
    // The workflow validates too, and fails fast without retrying.
    const client = await testClient();
    const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-invalid-${Date.now()}`,
      args: [bad],
    });
    await assert.rejects(
      handle.result(),
      (err: unknown) =>
        err instanceof WorkflowFailedError && /durations\.faultSeconds/.test(String(err.cause?.message)),
    );
    const after = await dbContainer().inspect();
    assert.equal(after.State.Running, true);
    assert.equal(after.State.StartedAt, before, 'db was not touched');
  });

  it('refuses a target that is not opted in', async () => {
    const result = await runCli(
      [
        'run',
        writeDefinition(
          'refused',
          shortOutage({
            fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-temporal-nonexistent' } },
          }),
        ),
      ],
      {},
      120_000,
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr + result.stdout, /no container named "faultline-temporal-nonexistent"/);
  });
});
