/** The pinned benchmark's CPU plan and reading pgbench's CPU time from bash's `times`. */
import assert from 'node:assert/strict';
import { childrenCpuUs, cpuPlan } from '../../src/cli/commands/bench-cpus';

describe('benchmark CPUs', () => {
  it('gives the database the upper half of the CPUs (at least one), the generator the rest', () => {
    assert.deepEqual(cpuPlan(2), { generator: '0', database: '1', databaseCount: 1, generatorCount: 1 });
    assert.deepEqual(cpuPlan(5), { generator: '0-2', database: '3-4', databaseCount: 2, generatorCount: 3 });
    assert.throws(() => cpuPlan(1), /2 CPUs or more.*--shared-cpu/);
  });

  it("reads the children's user + system time from bash's times", () => {
    assert.equal(childrenCpuUs('0m0.004s 0m0.002s\n0m1.250s 0m0.500s\n'), 1_750_000);
    assert.equal(childrenCpuUs('0m0.000s 0m0.000s\n1m2.000s 0m0.001s'), 62_001_000);
    assert.throws(() => childrenCpuUs('nonsense'), /cannot read/);
  });
});
