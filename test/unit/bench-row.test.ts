/** `faultline bench --rounds`: a client count's row from its pairs of runs (pure logic; test/integration/bench.test.ts runs it). */
import assert from 'node:assert/strict';
import { pairedRow, type RunFigures } from '../../src/cli/commands/bench-row';

const run = (perSecond: number, cpuUsPerOp: number | null = 100, dbUtil = 0.9): RunFigures => ({
  perSecond,
  cpuUsPerOp,
  dbUtil,
});

describe('a bench row from pairs of runs', () => {
  it("the ratio is the median of each pair's, not the ratio of the medians", () => {
    // Pairs 2, 0.5 and 1.333: their median 1.333; the medians' ratio would be 2000 / 3000.
    const row = pairedRow(16, [run(1000), run(2000), run(4000)], [run(500), run(4000), run(3000)], undefined, {
      shards: 1,
      rounds: 3,
    });
    assert.equal(row.ratio, 1.333);
    assert.equal(row.ratio_min, 0.5);
    assert.equal(row.ratio_max, 2);
    assert.equal(row.faultline_ops_per_s, 2000);
    assert.equal(row.pgbench_tps, 3000);
    assert.equal(row.rounds, 3);
  });

  it('medians of an even count are the mean of the middle two; a generator without CPU figures has none', () => {
    const row = pairedRow(3, [run(100, 200, 0.8), run(300, 100, 0.9)], [run(200, null), run(300, null)], run(400), {
      shards: 2,
      rounds: 2,
    });
    assert.equal(row.faultline_ops_per_s, 200);
    assert.equal(row.faultline_cpu_us_per_op, 150);
    assert.equal(row.pgbench_cpu_us_per_op, null);
    assert.equal(row.db_cpu_util, 0.85);
    assert.equal(row.ratio, 0.75); // pairs 0.5 and 1
    assert.equal(row.pgbench_simple_tps, 400);
    assert.equal(row.shards, 2);
  });

  it('one round: the row of that pair, without rounds or ratio bounds', () => {
    const row = pairedRow(3, [run(900)], [run(1000)], undefined, { shards: 1, rounds: 1 });
    assert.equal(row.ratio, 0.9);
    assert.equal('rounds' in row || 'ratio_min' in row || 'shards' in row, false);
  });
});
