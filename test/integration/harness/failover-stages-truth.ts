/**
 * A failover's stages, as the report gives them per path, held to the cluster's own records: the
 * old leader lost to Docker's die event (or the partition's sidecar's, or PostgreSQL's shutdown
 * inside a switchover's request), the endpoint's routing to HAProxy's "UP" line and to the new
 * leader's own address (Docker's), the first read to HAProxy and the session read probe, and the
 * stale-writer window to the read-only errors the nodes' PostgreSQL logged.
 */
import assert from 'node:assert/strict';
import { docker } from '../../../src/platform/docker';
import { stageTime, type FailoverStage, type StageName } from '../../../src/activities/report/failover-stages';
import { launchBrowser } from './browser';
import type { ExperimentReport } from '../../../src/activities/report/report-types';
import { logLines, type WriterOutage } from './cluster-truth';
import type { ReferenceWindow } from '../../reference/availability-reference';

export interface StagesRun {
  report: ExperimentReport;
  windows: Record<string, ReferenceWindow[]>;
  after: { nodes: Array<{ member: string; container: string; containerId: string }> };
}

/** How long after faultline's call returned Docker's or PostgreSQL's record of the old writer stopping may come. */
const LOST_SAME_MOMENT_MS = 500;
/** A kill's call is short, even on this busy 2-vCPU machine (a local run: 503 ms). */
const KILL_CALL_MS = 2000;

async function ipsOf(containerId: string): Promise<string[]> {
  const info = await docker.getContainer(containerId).inspect();
  return Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress);
}

/** Read-only errors (25006) the nodes' PostgreSQL logged between two moments. */
async function readOnlyErrorsLogged(run: StagesRun, from: number, to: number): Promise<number> {
  let n = 0;
  for (const node of run.after.nodes) {
    const lines = await logLines(node.container, Math.floor(from / 1000) - 1);
    n += lines.filter((l) => l.at >= from && l.at <= to && /ERROR: .*read-only transaction/.test(l.text)).length;
  }
  return n;
}

export async function assertStagesTruthful(
  run: StagesRun,
  truth: WriterOutage,
  paths: readonly string[],
  tolerance: { understateMs: number; overstateMs: number },
): Promise<void> {
  const wc = run.report.writerChange!;
  const stages = run.report.failoverStages;
  assert.ok(stages, 'the report gives the failover stages');
  assert.deepEqual(
    stages.map((p) => p.path),
    [...paths],
    'the stages of every path in the cluster, and none other',
  );
  const newLeader = run.after.nodes.find((n) => n.member === wc.newLeader)!;
  const newIps = await ipsOf(newLeader.containerId);
  const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);
  for (const p of stages) {
    const s = (name: StageName): FailoverStage => p.stages.find((x) => x.stage === name)!;
    const since = (t: number) => `${Math.round(t - truth.from)} ms`;
    process.stdout.write(
      `      stages, ${p.path} (since the cluster's record of the old writer stopping; HAProxy UP ${since(truth.to)}): ` +
        `${p.stages.map((x) => `${x.stage} ${x.at ? since(ms(x.at)) : '-'}`).join(', ')}\n`,
    );
    assert.equal(s('fault injected').at, run.report.cycles[0]!.injectRequestedAt);
    // Docker's die (a kill), the partition sidecar's (its rules in place) or PostgreSQL's shutdown
    // (a switchover) comes inside faultline's call or just after its return.
    const lost = s('leader lost');
    assert.ok(
      truth.from >= ms(lost.at) - tolerance.understateMs && truth.from <= ms(lost.until) + LOST_SAME_MOMENT_MS,
      `${p.path}: the old writer stopped (${new Date(truth.from).toISOString()}, ${truth.how}) in the leader-lost span ${lost.at} to ${lost.until}`,
    );
    if (wc.action === 'kill-leader' || wc.action === 'lose-writes')
      assert.ok(
        ms(lost.until) - ms(lost.at) <= KILL_CALL_MS,
        `${p.path}: a kill's span is short: ${lost.at} to ${lost.until}`,
      );
    assert.equal(s('new writer promoted').at, wc.promotedAt, `${p.path}: promoted when Patroni recorded it`);
    const routed = s('endpoint routed to another server');
    const route = routed.server?.to;
    assert.ok(routed.at && route, `${p.path}: the probe saw the endpoint route to another server: ${routed.detail}`);
    assert.ok(
      newIps.includes(route),
      `${p.path}: the server routed to (${route}) is the new leader (${newIps.join(', ')})`,
    );
    assert.ok(
      ms(routed.at) >= truth.to - tolerance.understateMs,
      `${p.path}: routed (${routed.at}) no earlier than HAProxy's UP (${new Date(truth.to).toISOString()})`,
    );
    if (p.path === 'cluster')
      assert.ok(
        ms(routed.at) <= truth.to + tolerance.overstateMs,
        `${p.path}: through HAProxy alone, routed (${routed.at}) as HAProxy went UP (${new Date(truth.to).toISOString()})`,
      );
    const read = s('first read served');
    if (read.at) {
      const probeBack = Math.max(
        truth.to,
        ...(run.windows[`${p.path} session SELECT 1`] ?? [])
          .filter((w) => w.start <= truth.to && w.end !== null)
          .map((w) => w.end!),
      );
      assert.ok(
        ms(read.at) >= truth.to - tolerance.understateMs && ms(read.at) <= probeBack + tolerance.overstateMs,
        `${p.path}: the first read on the new writer (${read.at}) after HAProxy routed to it and by when the session read probe was served (${new Date(probeBack).toISOString()})`,
      );
    }
    const pathChange = wc.paths.find((x) => x.path === p.path)!;
    assert.equal(
      s('first write acknowledged').at,
      pathChange.firstWriteAt,
      `${p.path}: the writer change's first write`,
    );
    const stale = run.report.staleWriter!.find((w) => w.path === p.path)!;
    const window = s('stale-writer window');
    assert.equal(window.at, stale.readOnlyErrors > 0 ? stale.firstAt : null);
    if (stale.readOnlyErrors > 0) {
      const logged = await readOnlyErrorsLogged(run, ms(stale.firstAt) - 1000, ms(stale.lastAt) + 1000);
      process.stdout.write(
        `      ${p.path}: ${stale.readOnlyErrors} read-only errors reported, ${logged} logged by the nodes\n`,
      );
      assert.ok(logged >= stale.readOnlyErrors, `${p.path}: every read-only error met was logged by a node`);
    }
  }
}

/**
 * The HTML report in a real browser: the stages table gives each path's stages as the JSON does,
 * and the time charts draw the cluster-wide stages (leader lost, promoted) as lines.
 */
export async function assertStagesPage(html: string, report: ExperimentReport): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await page.goto(`file://${html}`);
    const rows = await page
      .locator('table.failover-stages tr')
      .evaluateAll((trs: Array<{ children: ArrayLike<{ textContent: string | null }> }>) =>
        trs.map((tr) => Array.from(tr.children, (c) => (c.textContent ?? '').trim())),
      );
    const stages = report.failoverStages!;
    assert.deepEqual(rows[0], ['stage', ...stages.map((p) => p.path)], 'a column per path');
    for (const [i, s] of stages[0]!.stages.entries()) {
      const row = rows[i + 1]!;
      assert.equal(row[0], s.stage);
      for (const [j, p] of stages.entries())
        assert.ok(row[j + 1]!.startsWith(stageTime(p.stages[i]!)), `${p.path}, ${s.stage}: "${row[j + 1]}"`);
    }
    const lines = await page
      .locator('svg.chart line.stage')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-stage')));
    assert.ok(
      lines.includes('leader lost') && lines.includes('new writer promoted'),
      `the charts mark the leader lost and the promotion: ${lines.join(', ')}`,
    );
  } finally {
    await browser.close();
  }
}
