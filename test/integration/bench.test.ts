/**
 * `faultline bench` pins the database and the generator to separate CPUs while it runs,
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

  it('--shards 2 runs the engine in two processes, the clients split between them, and adds up their figures', async () => {
    const cli = await runCli(['bench', '--seconds', '2', '--clients', '3', '--shards', '2'], {}, 150_000);
    assert.equal(cli.code, 0, cli.stderr);
    const shards = [...cli.stdout.matchAll(/shard (\d) \(pid (\d+)\): (\d+) clients, (\d+) ops in ([\d.]+) s/g)].map(
      (m) => ({
        pid: Number(m[2]),
        clients: Number(m[3]),
        ops: Number(m[4]),
        seconds: Number(m[5]),
      }),
    );
    assert.equal(shards.length, 2, cli.stdout);
    assert.notEqual(shards[0]!.pid, shards[1]!.pid, 'two processes');
    assert.deepEqual(
      shards.map((s) => s.clients),
      [2, 1],
      'the clients split as workload.shards splits them',
    );
    const row = (JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { results: Array<Record<string, number>> })
      .results[0]!;
    process.stdout.write(`      bench --shards 2: ${JSON.stringify(row)}\n`);
    assert.equal(row.shards, 2);
    const sum = shards.reduce((total, s) => total + s.ops / s.seconds, 0);
    assert.ok(
      Math.abs(row.faultline_ops_per_s! - sum) <= sum * 0.05 + 1,
      `ops/s ${row.faultline_ops_per_s} is the shards' sum (${sum.toFixed(1)})`,
    );
    assert.ok(row.faultline_cpu_us_per_op! > 0, 'CPU per operation, both processes counted');
  });

  it("--rounds 3 runs three alternating pairs and gives their medians, the ratio the median pair's", async () => {
    const cli = await runCli(['bench', '--seconds', '1', '--clients', '2', '--rounds', '3'], {}, 150_000);
    assert.equal(cli.code, 0, cli.stderr);
    const ours = [...cli.stdout.matchAll(/faultline +2 clients: ([\d.]+) ops\/s/g)].map((m) => Number(m[1]));
    const theirs = [...cli.stdout.matchAll(/pgbench +2 clients: ([\d.]+) tps, -M extended/g)].map((m) => Number(m[1]));
    assert.equal(ours.length, 3, cli.stdout);
    assert.equal(theirs.length, 3, cli.stdout);
    const row = (JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { results: Array<Record<string, number>> })
      .results[0]!;
    process.stdout.write(`      bench --rounds 3: ${JSON.stringify(row)}\n`);
    const middle = (v: number[]) => [...v].sort((a, b) => a - b)[1]!;
    assert.equal(row.rounds, 3);
    assert.ok(Math.abs(row.faultline_ops_per_s! - middle(ours)) <= 0.1, `${row.faultline_ops_per_s} vs ${ours}`);
    assert.ok(Math.abs(row.pgbench_tps! - middle(theirs)) <= 0.1, `${row.pgbench_tps} vs ${theirs}`);
    const ratios = ours.map((o, i) => o / theirs[i]!);
    assert.ok(Math.abs(row.ratio! - middle(ratios)) <= 0.002, `ratio ${row.ratio} vs the pairs' ${ratios}`);
    assert.ok(row.ratio_min! <= row.ratio! && row.ratio! <= row.ratio_max!);
  });
});
