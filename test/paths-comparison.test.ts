/** Issue 6: direct vs proxy under the same fault. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { comparePaths } from '../src/activities/report/comparison';
import type { ExperimentReport, PathReport } from '../src/activities/report/report-model';
import { PROJECT_ROOT } from '../src/lab/lab-settings';
import type { ExperimentResult } from '../src/shared/experiment-types';
import { ensureDbRunning } from './harness/lab-database';
import { testClient } from './harness/temporal-client';

/** A path with just the figures the comparison reads (pure-logic test). */
function pathWith(name: string, figures: { ops: number; ok: number; txOk: number; avgMs: number; downtimeMs: number }): PathReport {
  const stats = (rate: number) => ({ attempts: 100, successes: rate * 100, failures: 100 - rate * 100, successRate: rate, latencyMs: { count: 0, min: 0, mean: figures.avgMs, p50: 0, p95: 0, p99: 0, max: 0 } });
  return {
    path: name,
    overall: { total: { ...stats(figures.ok), attempts: figures.ops }, byType: { read: stats(figures.ok), write: stats(figures.ok), transaction: stats(figures.txOk) } },
    downtimeMs: figures.downtimeMs,
  } as unknown as PathReport;
}

describe('direct vs proxy', function () {
  this.timeout(240_000);
  afterEach(ensureDbRunning);

  it("computes seed 001's comparison: downtime reduction, transaction success and response time changes", () => {
    // The seed's example report: direct 12.3 s down, 94.4% transactions, 0.045 s; proxy 3.1 s, 97.5%, 0.052 s.
    const c = comparePaths([
      pathWith('direct', { ops: 1250, ok: 0.972, txOk: 0.944, avgMs: 45, downtimeMs: 12_300 }),
      pathWith('proxy', { ops: 1180, ok: 0.988, txOk: 0.975, avgMs: 52, downtimeMs: 3100 }),
    ]);
    assert.ok(c);
    assert.equal(c.baseline, 'direct');
    assert.equal(c.candidate, 'proxy');
    assert.equal(c.downtimeReductionPct, 74.8);
    assert.equal(c.transactionSuccessRateChangePct, 3.3);
    assert.equal(c.responseTimeChangePct, 15.6);
    assert.equal(comparePaths([pathWith('direct', { ops: 1, ok: 1, txOk: 1, avgMs: 1, downtimeMs: 0 })]), undefined);
  });

  it('runs one workload per path against the one fault and reports both paths and the comparison', async () => {
    const definition = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'db-outage-direct-vs-proxy.json'), 'utf8'));
    const short = { ...definition, durations: { warmupSeconds: 3, faultSeconds: 5, recoveryTimeoutSeconds: 30 }, steadyState: { windowSeconds: 2 }, report: { directory: 'test-artifacts/reports' } };
    const client = await testClient();
    const result = (await client.workflow.execute('chaosExperiment', { taskQueue: 'faultline', workflowId: `test-paths-${Date.now()}`, args: [short] })) as ExperimentResult;
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    const [direct, proxy] = ['direct', 'proxy'].map((p) => report.paths.find((r) => r.path === p)!);
    assert.ok(direct && proxy, 'both paths measured');
    // Same fault timeline: both workloads ran through the same phases.
    assert.deepEqual(direct.phases.map((p) => p.phase), proxy.phases.map((p) => p.phase));
    for (const p of [direct, proxy]) assert.ok(p.downtimeMs > 0 && (p.phases.find((ph) => ph.phase === 'fault')?.total.failures ?? 0) > 0, `${p.path} saw the outage`);
    // They fail differently: direct finds nothing listening; the proxy is up, answers with its own
    // errors, and holds some queries until the database is back.
    assert.ok((direct.overall.errors.connection_refused?.count ?? 0) > 0);
    assert.equal(proxy.overall.errors.connection_refused, undefined);
    assert.ok(proxy.overall.total.latencyMs.max >= 1000, `a query waited in the proxy (max ${proxy.overall.total.latencyMs.max} ms)`);
    const c = report.comparison;
    assert.ok(c);
    assert.equal(c.baseline, 'direct');
    assert.equal(c.candidate, 'proxy');
    assert.equal(c.paths.length, 2);
    assert.equal(typeof c.downtimeReductionPct, 'number');
    assert.equal(typeof c.responseTimeChangePct, 'number');
    assert.match(result.summary, /Performance comparison \(proxy vs direct\):\n- proxy downtime reduction: -?[\d.]+%/);
    assert.match(readFileSync(result.report.html, 'utf8'), /<section class="comparison"><h2>proxy vs direct<\/h2>/);
  });
});
