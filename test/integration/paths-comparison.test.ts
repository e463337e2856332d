/** Direct vs proxy under the same fault. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/platform/settings';
import { recordHistory } from './harness/histories';
import { ensureDbRunning } from './harness/lab-database';
import { dbFault, pathOf, runWithProbes, STALL_MS } from './harness/probed-experiment';

describe('direct vs proxy', function () {
  this.timeout(240_000);
  afterEach(ensureDbRunning);

  it('runs one workload per path against the one fault; the comparison agrees with independent probes', async () => {
    const example = JSON.parse(
      readFileSync(path.join(PROJECT_ROOT, 'examples', 'db-outage-direct-vs-proxy.json'), 'utf8'),
    );
    const definition = {
      ...dbFault('paths', 'stop', 5),
      name: example.name,
      paths: example.paths,
      workload: { stallThresholdMs: STALL_MS },
    };
    const { result, report, probeMs } = await runWithProbes('paths', definition);
    const direct = pathOf(report, 'direct');
    const proxy = pathOf(report, 'proxy');
    // Same fault timeline: both workloads ran through the same phases.
    assert.deepEqual(
      direct.phases.map((p) => p.phase),
      proxy.phases.map((p) => p.phase),
    );
    // Both saw the outage: operations failed, or (PgBouncer, when it holds queries while its server
    // logins fail) were held past the stall threshold; either way it is detected downtime.
    for (const p of [direct, proxy]) {
      const failures = p.phases.find((ph) => ph.phase === 'fault')?.total.failures ?? 0;
      assert.ok(
        (failures > 0 || p.held.count > 0) && p.cycles[0]!.detectedDowntimeMs >= STALL_MS,
        `${p.path} saw the outage: ${failures} failed in the fault phase, ${p.held.count} held, ${p.cycles[0]!.detectedDowntimeMs} ms detected`,
      );
    }
    // They fail differently: direct finds nothing listening; the proxy is up and answers with its own errors.
    assert.ok((direct.overall.errors.connection_refused?.count ?? 0) > 0, JSON.stringify(direct.overall.errors));
    assert.equal(proxy.overall.errors.connection_refused, undefined, JSON.stringify(proxy.overall.errors));

    const c = report.comparison!;
    assert.equal(c.baseline, 'direct');
    assert.equal(c.candidate, 'proxy');
    // The reduction is the probes' within what 250 ms on either path can move it (the workload samples
    // every ~0.3 s per worker here: the seed's think time).
    const probeReduction = ((probeMs.direct - probeMs.proxy) / probeMs.direct) * 100;
    const slack = ((2 * 500) / probeMs.direct) * 100;
    process.stdout.write(
      `      reduction: reported ${c.downtimeReductionPct}%, probes ${probeReduction.toFixed(1)}% (direct ${probeMs.direct} ms, proxy ${probeMs.proxy} ms)\n`,
    );
    assert.ok(
      Math.abs(c.downtimeReductionPct! - probeReduction) <= slack,
      `reported ${c.downtimeReductionPct}% vs probes ${probeReduction.toFixed(1)}%`,
    );
    assert.ok(c.downtimeReductionPct! <= probeReduction + slack / 2, 'never a larger reduction than the probes saw');
    // The other two figures follow from the paths' own figures, as seed 001 defines them.
    const rate = (p: typeof direct) => p.overall.byType.transaction.successes / p.overall.byType.transaction.attempts;
    assert.equal(c.transactionSuccessRateChangePct, Math.round((rate(proxy) / rate(direct) - 1) * 1000) / 10);
    assert.equal(
      c.responseTimeChangePct,
      Math.round((proxy.overall.total.latencyMs.mean! / direct.overall.total.latencyMs.mean! - 1) * 1000) / 10,
    );
    assert.equal(c.failuresAvoided, direct.overall.total.failures - proxy.overall.total.failures);
    assert.match(
      result.summary,
      new RegExp(
        `Performance comparison \\(proxy vs direct\\):\\n- proxy downtime reduction: ${String(c.downtimeReductionPct).replace('.', '\\.')}%`,
      ),
    );
    assert.match(result.summary, /- proxy (shortened|lengthened|did not shorten) the outage/);
    assert.match(readFileSync(result.report.html, 'utf8'), /<section class="comparison"><h2>proxy vs direct<\/h2>/);
    await recordHistory(result.experimentId, 'direct-vs-proxy');
  });
});
