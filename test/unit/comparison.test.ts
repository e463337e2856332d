/** The comparison's arithmetic, on the seed's own example figures. */
import assert from 'node:assert/strict';
import { comparePaths } from '../../src/activities/report/comparison';
import type { PathReport } from '../../src/activities/report/report-types';

/** A path with just the figures the comparison reads. */
function pathWith(
  name: string,
  f: { ops: number; ok: number; txOk: number; avgMs: number; downtimeMs: number; held?: number; failed?: number },
): PathReport {
  const stats = (rate: number) => ({
    attempts: 100,
    successes: rate * 100,
    failures: 100 - rate * 100,
    successRate: rate,
    latencyMs: { count: 1, min: 1, mean: f.avgMs, p50: 1, p95: 1, p99: 1, max: 1 },
  });
  return {
    path: name,
    overall: {
      total: { ...stats(f.ok), attempts: f.ops, failures: f.failed ?? 0 },
      byType: { read: stats(f.ok), write: stats(f.ok), transaction: stats(f.txOk) },
    },
    downtimeMs: f.downtimeMs,
    held: { count: f.held ?? 0, p50Ms: null, p99Ms: null, maxMs: f.held ? 4000 : null },
  } as unknown as PathReport;
}

describe('direct vs proxy comparison (unit)', () => {
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
    assert.match(c.finding, /^proxy shortened the outage by 9\.2 s/);
    assert.equal(comparePaths([pathWith('direct', { ops: 1, ok: 1, txOk: 1, avgMs: 1, downtimeMs: 0 })]), undefined);
  });

  it('says when the proxy hid errors by holding queries without shortening the outage', () => {
    const c = comparePaths([
      pathWith('direct', { ops: 1000, ok: 0.9, txOk: 0.9, avgMs: 5, downtimeMs: 10_000, failed: 100 }),
      pathWith('proxy', { ops: 900, ok: 0.99, txOk: 0.99, avgMs: 60, downtimeMs: 10_100, held: 30, failed: 3 }),
    ]);
    assert.equal(c!.downtimeReductionPct, -1);
    assert.equal(c!.heldByCandidate, 30);
    assert.equal(c!.failuresAvoided, 97);
    assert.match(c!.finding, /did not shorten the outage .* held 30 operations .* it turned errors into waits/);
  });

  it('has no rate for nothing: a transaction type never attempted gives no change, not a made-up one', () => {
    const none = pathWith('proxy', { ops: 10, ok: 1, txOk: 1, avgMs: 2, downtimeMs: 0 });
    (none.overall.byType.transaction as { successRate: number | null }).successRate = null;
    const c = comparePaths([pathWith('direct', { ops: 10, ok: 1, txOk: 1, avgMs: 2, downtimeMs: 0 }), none]);
    assert.equal(c!.transactionSuccessRateChangePct, null);
    assert.equal(c!.downtimeReductionPct, null);
  });
});
