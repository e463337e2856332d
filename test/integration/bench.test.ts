/**
 * Issue 16: `faultline bench` pins the database and the generator to separate CPUs while it runs,
 * reports throughput and CPU per operation of both generators, and leaves the database container's
 * CPU set as it found it.
 */
import assert from 'node:assert/strict';
import { allCpus, cpuPlan } from '../../src/cli/commands/bench-cpus';
import { labSettings } from '../../src/platform/settings';
import { docker } from '../../src/platform/docker';
import { runCli } from './harness/run-cli';

describe('faultline bench (pinned)', function () {
  this.timeout(180_000);

  it('runs both generators on their own CPUs, reports CPU per operation, and unpins the database after', async () => {
    const db = docker.getContainer(labSettings().dbContainer);
    const before = (await db.inspect()).HostConfig.CpusetCpus ?? '';
    const seenDuringRun = new Set<string>();
    const watch = setInterval(() => {
      void db.inspect().then((info) => seenDuringRun.add(info.HostConfig.CpusetCpus ?? ''));
    }, 200);
    let cli;
    try {
      cli = await runCli(['bench', '--seconds', '2', '--clients', '2'], {}, 150_000);
    } finally {
      clearInterval(watch);
    }
    assert.equal(cli.code, 0, cli.stderr);
    const last = JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as {
      results: Array<Record<string, number | null>>;
    };
    const row = last.results[0]!;
    process.stdout.write(`      bench: ${JSON.stringify(row)}\n`);
    const plan = cpuPlan();
    assert.ok(
      cli.stdout.includes(
        `CPUs pinned: the database container on ${plan.database}, the generator on ${plan.generator}`,
      ),
      cli.stdout,
    );
    assert.ok(
      seenDuringRun.has(plan.database),
      `Docker ran the database container on its own CPUs (${plan.database}; seen: ${[...seenDuringRun].join(' | ')})`,
    );
    const after = (await db.inspect()).HostConfig.CpusetCpus ?? '';
    assert.ok([before, allCpus()].includes(after), `and is unpinned after (${after || 'every CPU'})`);
    for (const key of ['faultline_ops_per_s', 'pgbench_tps', 'faultline_cpu_us_per_op', 'pgbench_cpu_us_per_op'])
      assert.ok(typeof row[key] === 'number' && row[key]! > 0, `${key} = ${row[key]}`);
    assert.ok(row.db_cpu_util! > 0 && row.db_cpu_util! <= 1.05, `db_cpu_util ${row.db_cpu_util} is a share of its CPU`);
  });
});
