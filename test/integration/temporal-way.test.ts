/** faultline as Temporal users run it: the temporal CLI, search attributes, schedules, history, the Web UI. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import type { HistoryRow } from '../../src/cli/history-row';
import { launchBrowser } from './harness/browser';
import { ensureDbRunning } from './harness/lab-database';
import { runCli, runProgram } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settings = labSettings();
const temporal = (args: string[], timeoutMs = 60_000) =>
  runProgram(settings.temporalCli, [...args, '--address', settings.temporalAddress], {}, timeoutMs);
const tag = Date.now().toString(36);

/** A short db outage, so the suite stays quick. */
const quick = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
  durations: { warmupSeconds: 2, faultSeconds: 2, recoveryTimeoutSeconds: 30 },
  steadyState: { windowSeconds: 1 },
  report: { directory: 'test-artifacts/reports' },
  ...overrides,
});

function file(name: string, definition: unknown): string {
  const f = path.join(os.tmpdir(), `faultline-${name}-${tag}.json`);
  writeFileSync(f, JSON.stringify(definition));
  return f;
}

const shape = (report: ExperimentReport) => ({
  keys: Object.keys(report).sort(),
  verdict: report.verdict,
  paths: report.paths.map((p) => ({
    path: p.path,
    phases: p.phases.map((ph) => ph.phase),
    keys: Object.keys(p).sort(),
  })),
  timestamps: Object.keys(report.timestamps).sort(),
});

/**
 * `faultline history --html`: the schedule's runs are one group, with a point per run on both
 * charts, coloured by its verdict, at the figures of each run's own report file.
 */
async function assertTrendsPage(scheduleId: string, rows: HistoryRow[]): Promise<void> {
  const file = path.join(os.tmpdir(), `faultline-trends-${process.pid}.html`);
  const written = await runCli(['history', '--limit', '50', '--html', file]);
  assert.equal(written.code, 0, written.stderr);
  const client = await testClient();
  const reports = new Map<string, ExperimentReport>();
  for (const r of rows) {
    const result = (await client.workflow.getHandle(r.workflowId).result()) as ExperimentResult;
    reports.set(r.startTime, JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport);
  }
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${file}`);
    const group = page.locator(`section.group[data-group="schedule ${scheduleId}"]`);
    assert.equal(await group.count(), 1, 'the schedule is one group');
    const points = async (chart: string) =>
      await group.locator(`svg.trend.${chart} circle.run[data-path="direct"]`).evaluateAll((els) =>
        els.map((e) => ({
          value: Number(e.getAttribute('data-value')),
          verdict: e.getAttribute('data-verdict'),
          fill: e.getAttribute('fill'),
          title: e.querySelector('title')?.textContent ?? '',
        })),
      );
    const downtime = await points('downtime');
    const success = await points('success');
    assert.ok(downtime.length >= rows.length && success.length >= rows.length, `${downtime.length} points`);
    for (const [startTime, report] of reports) {
      const direct = report.paths.find((p) => p.path === 'direct')!;
      const dot = downtime.find((d) => d.title.includes(startTime));
      assert.ok(dot, `a downtime point for the run of ${startTime}`);
      assert.equal(dot.value, direct.downtimeMs / 1000, "at its report's downtime");
      assert.equal(dot.verdict, report.verdict);
      if (report.verdict === 'held') assert.equal(dot.fill, '#2e7d32', 'held is green');
      const { successes, failures } = direct.overall.total;
      const rate = success.find((d) => d.title.includes(startTime))!;
      assert.ok(Math.abs(rate.value - (successes / (successes + failures)) * 100) < 1e-9, 'at its success rate');
    }
  } finally {
    await browser.close();
  }
}

describe('operating faultline the Temporal way', function () {
  this.timeout(300_000);
  afterEach(ensureDbRunning);

  it('`temporal workflow start --input-file` runs the same experiment as `faultline run`, with the same report', async () => {
    const definitionFile = file('cli', quick(`cli-${tag}`));
    const viaRun = await runCli(['run', definitionFile, '--json', '--id', `run-${tag}`], {}, 200_000);
    assert.equal(viaRun.code, 0, viaRun.stderr);
    const runReport = JSON.parse(
      readFileSync(JSON.parse(viaRun.stdout.trim().split('\n').pop()!).report.json, 'utf8'),
    ) as ExperimentReport;

    const started = await temporal([
      'workflow',
      'start',
      '--type',
      'chaosExperiment',
      '--task-queue',
      'faultline',
      '--workflow-id',
      `temporal-cli-${tag}`,
      '--input-file',
      definitionFile,
    ]);
    assert.equal(started.code, 0, started.stderr);
    const result = (await (await testClient()).workflow.getHandle(`temporal-cli-${tag}`).result()) as ExperimentResult;
    const cliReport = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.deepEqual(shape(cliReport), shape(runReport));
    assert.equal(cliReport.verdict, 'held');
    assert.deepEqual(cliReport.definition, runReport.definition);
  });

  it('upserts search attributes that `temporal workflow list --query` filters on (held, violated, not-run)', async () => {
    const client = await testClient();
    const impossible = quick(`strict-${tag}`, { steadyState: { windowSeconds: 1, maxP99Ms: 0.001 } });
    const result = (await client.workflow.execute('chaosExperiment', {
      taskQueue: 'faultline',
      workflowId: `strict-${tag}`,
      args: [impossible],
    })) as ExperimentResult;
    assert.equal(result.verdict, 'not-run');
    // Recovery must be confirmed within the timeout: a 2 s check cannot confirm it within 1 s.
    const tooShort = quick(`late-${tag}`, {
      durations: { warmupSeconds: 2, faultSeconds: 2, recoveryTimeoutSeconds: 1 },
      steadyState: { windowSeconds: 2 },
    });
    const late = (await client.workflow.execute('chaosExperiment', {
      taskQueue: 'faultline',
      workflowId: `late-${tag}`,
      args: [tooShort],
    })) as ExperimentResult;
    assert.equal(late.verdict, 'violated');
    assert.match(late.verdictReason, /did not return within the recovery timeout of 1 s/);
    await sleep(1500); // visibility is eventually consistent
    const list = async (query: string) => {
      const r = await temporal(['workflow', 'list', '--query', query, '--output', 'json', '--limit', '200']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout || '[]') as Array<{ execution: { workflowId: string } }>).map(
        (w) => w.execution.workflowId,
      );
    };
    const held = await list('FaultlineVerdict="held"');
    const notRun = await list('FaultlineVerdict="not-run"');
    const violated = await list('FaultlineVerdict="violated"');
    assert.ok(
      violated.includes(`late-${tag}`) && !violated.includes(`run-${tag}`) && !violated.includes(`strict-${tag}`),
      'the violated one, only',
    );
    assert.ok(held.includes(`temporal-cli-${tag}`) && held.includes(`run-${tag}`), 'held experiments are found');
    assert.ok(!held.includes(`strict-${tag}`));
    assert.ok(notRun.includes(`strict-${tag}`) && !notRun.includes(`run-${tag}`));
    const byTarget = await list(
      `FaultlineTarget="faultline-db" AND FaultlineFault="docker:stop" AND FaultlinePhase="done" AND FaultlineDowntimeMs > 500`,
    );
    assert.ok(byTarget.includes(`run-${tag}`));
  });

  it('shows the experiment in the Web UI: summary, details and search attributes (real browser)', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(`http://127.0.0.1:${settings.temporalUiPort}/namespaces/${'default'}/workflows/run-${tag}`);
      await page.getByText('chaosExperiment').first().waitFor({ timeout: 30_000 });
      await page.getByText('Inject docker:stop on faultline-db').first().waitFor({ timeout: 30_000 });
      await page
        .getByRole('tab', { name: /User Metadata/ })
        .or(page.getByText('User Metadata', { exact: true }))
        .first()
        .click();
      // The UI renders markdown (summary, details) in sandboxed frames: read every frame's text.
      const allText = async () =>
        (
          await Promise.all(
            page.frames().map((f) =>
              f
                .locator('body')
                .innerText()
                .catch(() => ''),
            ),
          )
        ).join('\n');
      let metadata = '';
      for (
        let i = 0;
        i < 60 &&
        !(metadata.includes(`faultline cli-${tag}: docker:stop on faultline-db`) && metadata.includes('Verdict'));
        i++
      ) {
        await sleep(250);
        metadata = await allText();
      }
      assert.match(
        metadata,
        new RegExp(`faultline cli-${tag}: docker:stop on faultline-db, 2 s, paths direct`),
        'static summary',
      );
      assert.match(metadata, /Target\s+faultline-db/, 'static details');
      assert.match(metadata, /Verdict\s+held/, 'current details');
      mkdirSync(path.join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: path.join(PROJECT_ROOT, 'test-artifacts', 'web-ui-metadata.png'), fullPage: true });
      await page
        .getByRole('tab', { name: /Search Attributes/ })
        .or(page.getByText('Search Attributes', { exact: true }))
        .first()
        .click();
      await page.getByText('FaultlineVerdict').first().waitFor({ timeout: 15_000 });
      const text = await page.locator('body').innerText();
      assert.match(text, /FaultlineVerdict[\s\S]*held/);
      assert.match(text, /FaultlineTarget[\s\S]*faultline-db/);
      await page.screenshot({
        path: path.join(PROJECT_ROOT, 'test-artifacts', 'web-ui-search-attributes.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  });

  it('a schedule every 5 s produces completed runs that `faultline history` lists, and is managed with both CLIs', async () => {
    const id = `drill-${tag}`;
    const created = await runCli([
      'schedule',
      'create',
      '--id',
      id,
      '--every',
      '5s',
      '--experiment',
      file(
        'drill',
        quick(`drill-${tag}`, { durations: { warmupSeconds: 1, faultSeconds: 1, recoveryTimeoutSeconds: 20 } }),
      ),
      '--note',
      'test drill',
    ]);
    assert.equal(created.code, 0, created.stderr);
    try {
      const described = await temporal(['schedule', 'describe', '--schedule-id', id, '--output', 'json']);
      assert.equal(described.code, 0, described.stderr);
      assert.match(described.stdout, /SCHEDULE_OVERLAP_POLICY_SKIP|"overlapPolicy":\s*"?(1|SKIP)/i);
      const listed = await temporal(['schedule', 'list']);
      assert.match(listed.stdout, new RegExp(id));

      let rows: HistoryRow[] = [];
      for (let i = 0; i < 120; i++) {
        const history = await runCli(['history', '--limit', '50', '--json']);
        rows = (JSON.parse(history.stdout) as HistoryRow[]).filter(
          (r) => r.workflowId.startsWith(`${id}-`) && r.status === 'COMPLETED',
        );
        if (rows.length >= 2) break;
        await sleep(2000);
      }
      assert.ok(rows.length >= 2, `completed scheduled runs: ${rows.length}`);
      assert.equal(new Set(rows.map((r) => r.workflowId)).size, rows.length, 'each run has its own workflow id');
      for (const r of rows) {
        assert.equal(r.fault, 'docker:stop');
        assert.ok(r.verdict && r.downtimeMs && r.downtimeMs.direct! > 0, JSON.stringify(r));
      }
      const table = await runCli(['history', '--limit', '50']);
      assert.match(table.stdout, new RegExp(`${rows[0]!.workflowId}`));
      assert.match(table.stdout, /direct \d+\.\ds/);
      await assertTrendsPage(id, rows);

      const paused = await runCli(['schedule', 'pause', id, '--note', 'maintenance']);
      assert.equal(paused.code, 0);
      const state = JSON.parse((await runCli(['schedule', 'describe', id, '--json'])).stdout) as {
        paused: boolean;
        note: string;
        overlap: string;
      };
      assert.deepEqual([state.paused, state.note, state.overlap], [true, 'maintenance', 'SKIP']);
    } finally {
      const deleted = await runCli(['schedule', 'delete', id]);
      assert.equal(deleted.code, 0, deleted.stderr);
    }
    const after = await temporal(['schedule', 'list']);
    assert.doesNotMatch(after.stdout, new RegExp(id));
    // Wait for a run still going, so the next test finds the database alone.
    const client = await testClient();
    for await (const w of client.workflow.list({
      query: `WorkflowId STARTS_WITH "${id}-" AND ExecutionStatus="Running"`,
    })) {
      await client.workflow
        .getHandle(w.workflowId)
        .result()
        .catch(() => undefined);
    }
  });
});
