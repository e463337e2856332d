/**
 * `faultline bench`: is the client fast enough that the database, not faultline, is the
 * bottleneck? On a freshly seeded database, runs the engine closed loop and pgbench with the same
 * ten statements and weights, same clients, same duration, in alternating order, at 3 and 16
 * clients. Fair by default: the database container on its own CPUs, the generator on the others
 * (bench-cpus.ts); `--shared-cpu` lets them share every CPU, as before. `--rounds N` runs each pair
 * N times, alternating which goes first, and gives the medians (the ratio: the median of each
 * pair's, so that a machine whose speed drifts between pairs moves both sides). Beside throughput it
 * reports each generator's CPU time per operation and the database's CPU utilisation. The last
 * line of output is one JSON object with the figures.
 */
import os from 'node:os';
import { reseedBusinessData } from '../../activities/schema/setup-schema';
import { runPgbench } from '../../activities/workload/pgbench/pgbench-runner';
import { labSettings } from '../../platform/settings';
import { defineCommand, oneOf, wholeNumber, type CommandLine, type OptionSpec, type ValueCheck } from '../command';
import { childrenCpuUs, containerCpuUs, cpuPlan, pinCpus, type CpuPlan } from './bench-cpus';
import { ENGINE_RUN_OPTION, runEngineOnce, runEngineShards } from './bench-engine';
import { pairedRow, type BenchRow, type RunFigures } from './bench-row';

interface BenchOptions {
  seconds: number;
  clientCounts: number[];
  connection: string;
  protocol: 'simple' | 'extended' | 'prepared';
  sharedCpu: boolean;
  /** The engine in this many processes, the clients split among them (as `workload.shards` on as many workers). */
  shards: number;
  /** Pairs of runs per client count; the figures are their medians. */
  rounds: number;
}

const CLIENT_COUNTS: ValueCheck = {
  describe: 'whole numbers from 1 to 512, comma-separated',
  test: (v) => v.split(',').every((c) => /^\d+$/.test(c) && Number(c) >= 1 && Number(c) <= 512),
};

const BENCH_OPTIONS = {
  seconds: {
    type: 'string',
    value: 'N',
    description: 'seconds of each run',
    default: '20',
    check: wholeNumber(1, 3600),
  },
  clients: {
    type: 'string',
    value: 'LIST',
    description: 'the client counts, one row each',
    default: '3,16',
    check: CLIENT_COUNTS,
  },
  connection: {
    type: 'string',
    value: 'NAME',
    description: 'the named connection both generators use',
    default: 'direct',
  },
  protocol: {
    type: 'string',
    value: 'MODE',
    description: "pgbench's query mode (-M) the ratio is against (faultline binds parameters: extended)",
    default: 'extended',
    check: oneOf('simple', 'extended', 'prepared'),
  },
  'shared-cpu': {
    type: 'boolean',
    description: 'let the database and the generator share every CPU (by default each has its own)',
  },
  shards: {
    type: 'string',
    value: 'N',
    description: 'the engine in this many processes, the clients split among them (as workload.shards)',
    default: '1',
    check: wholeNumber(1, 16),
  },
  rounds: {
    type: 'string',
    value: 'N',
    description: 'pairs of runs per client count, alternating which goes first; the figures are their medians',
    default: '1',
    check: wholeNumber(1, 20),
  },
  [ENGINE_RUN_OPTION]: { type: 'string', hidden: true, description: 'one engine run (bench-engine.ts)' },
} as const satisfies Record<string, OptionSpec>;

type BenchValues = CommandLine<typeof BENCH_OPTIONS>['values'];

function benchOptions(values: BenchValues): BenchOptions {
  return {
    seconds: Number(values.seconds),
    clientCounts: values.clients.split(',').map((c) => Number(c)),
    connection: values.connection,
    protocol: values.protocol as BenchOptions['protocol'],
    sharedCpu: values['shared-cpu'],
    shards: Number(values.shards),
    rounds: Number(values.rounds),
  };
}

/** Runs one generator, with the database container's CPU time read around it. */
async function measured(
  options: BenchOptions,
  plan: CpuPlan | undefined,
  run: () => Promise<{ perSecond: number; ops: number; cpuUs: number | null }>,
): Promise<RunFigures> {
  const container = labSettings().dbContainer;
  await reseedBusinessData(options.connection);
  const dbBefore = await containerCpuUs(container);
  const started = performance.now();
  const { perSecond, ops, cpuUs } = await run();
  const wallUs = (performance.now() - started) * 1000;
  const dbUs = (await containerCpuUs(container)) - dbBefore;
  const dbCpus = plan?.databaseCount ?? os.cpus().length;
  return {
    perSecond,
    cpuUsPerOp: cpuUs === null || ops === 0 ? null : cpuUs / ops,
    dbUtil: dbUs / (wallUs * dbCpus),
  };
}

function runners(options: BenchOptions, plan: CpuPlan | undefined) {
  const { seconds, connection, protocol } = options;
  const weights = { read: 70, write: 20, transaction: 10 };
  const faultline = (clients: number) =>
    measured(options, plan, async () => {
      const shards = await runEngineShards({
        connection,
        clients,
        seconds,
        shards: options.shards,
      });
      const perSecond = shards.reduce((sum, r) => sum + r.successes / (r.durationMs / 1000), 0);
      const successes = shards.reduce((sum, r) => sum + r.successes, 0);
      const failures = shards.reduce((sum, r) => sum + r.failures, 0);
      const inShards = options.shards > 1 ? ` in ${options.shards} processes` : '';
      process.stdout.write(
        `  faultline  ${String(clients).padStart(3)} clients${inShards}: ${perSecond.toFixed(1)} ops/s (${failures} failed)\n`,
      );
      return { perSecond, ops: successes, cpuUs: shards.reduce((sum, r) => sum + r.cpuUs, 0) };
    });
  const pgbench = (clients: number, mode = protocol) =>
    measured(options, plan, async () => {
      const r = await runPgbench({
        connection,
        clients,
        durationSeconds: seconds,
        weights,
        protocol: mode,
        cpus: plan && { list: plan.generator, count: plan.generatorCount },
      });
      if (r.exitCode !== 0) throw new Error(`pgbench failed (exit ${r.exitCode}):\n${r.output}`);
      process.stdout.write(
        `  pgbench    ${String(clients).padStart(3)} clients: ${r.tps.toFixed(1)} tps, -M ${mode} (${r.failed} failed)\n`,
      );
      return {
        perSecond: r.tps,
        ops: r.transactions,
        cpuUs: r.cpuTimes !== undefined ? childrenCpuUs(r.cpuTimes) : null,
      };
    });
  return { faultline, pgbench };
}

async function benchRow(
  clients: number,
  i: number,
  options: BenchOptions,
  plan: CpuPlan | undefined,
): Promise<BenchRow> {
  const run = runners(options, plan);
  const ours: RunFigures[] = [];
  const theirs: RunFigures[] = [];
  for (let r = 0; r < options.rounds; r++) {
    // Alternate which goes first, so neither always meets a warmer cache.
    if ((i + r) % 2 === 0) {
      ours.push(await run.faultline(clients));
      theirs.push(await run.pgbench(clients));
    } else {
      theirs.push(await run.pgbench(clients));
      ours.push(await run.faultline(clients));
    }
  }
  const simple = options.protocol === 'simple' ? undefined : await run.pgbench(clients, 'simple');
  return pairedRow(clients, ours, theirs, simple, options);
}

export const benchCommand = defineCommand({
  summary: 'benchmark the workload engine against pgbench (same statements, weights, clients, duration)',
  description:
    'Is the client fast enough that the database, not faultline, is the bottleneck? On a freshly seeded database, ' +
    'runs the engine and pgbench with the same statements and weights, clients and duration, in alternating order, ' +
    'and reports throughput, CPU time per operation and the database CPU utilisation. Needs the lab (`faultline up`). ' +
    'The last line of output is one JSON object with the figures.',
  options: BENCH_OPTIONS,
  validate: (values) =>
    values.clients.split(',').some((c) => Number(c) < Number(values.shards))
      ? '--shards: at most one shard per client (every count in --clients >= --shards)'
      : undefined,
  examples: ['faultline bench', 'faultline bench --seconds 10 --rounds 3', 'faultline bench --clients 16 --shards 2'],
  async run({ values }) {
    const engineRun = values[ENGINE_RUN_OPTION];
    if (engineRun !== undefined) return await runEngineOnce(engineRun);
    const options = benchOptions(values);
    const plan = options.sharedCpu ? undefined : cpuPlan();
    process.stdout.write(
      `faultline bench: ${options.seconds} s per run on "${options.connection}", weights 70/20/10, closed loop, reseeded before each run; ` +
        (options.rounds > 1 ? `${options.rounds} pairs per client count, medians; ` : '') +
        (options.shards > 1 ? `the engine in ${options.shards} processes (the clients split among them); ` : '') +
        `the ratio is against pgbench -M ${options.protocol} (faultline binds parameters: the extended protocol), -M simple shown for reference; ` +
        (plan
          ? `CPUs pinned: the database container on ${plan.database}, the generator on ${plan.generator}\n`
          : 'CPUs shared (--shared-cpu)\n'),
    );
    const unpin = plan ? await pinCpus(labSettings().dbContainer, plan) : async () => undefined;
    // Interrupted, it unpins before it goes: the database must not stay on one CPU.
    const onSignal = (signal: NodeJS.Signals) =>
      void unpin().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const results: BenchRow[] = [];
    try {
      for (const [i, clients] of options.clientCounts.entries())
        results.push(await benchRow(clients, i, options, plan));
      await reseedBusinessData(options.connection);
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await unpin();
    }
    process.stdout.write(`${JSON.stringify({ results })}\n`);
    return 0;
  },
});
