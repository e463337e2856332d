/**
 * `faultline bench`: is the client fast enough that the database, not faultline, is the
 * bottleneck? On a freshly seeded database, runs the engine closed loop and pgbench with the same
 * ten statements and weights, same clients, same duration, in alternating order, at 3 and 16
 * clients. The last line of output is one JSON object with the figures.
 */
import { parseArgs } from 'node:util';
import { reseedBusinessData } from '../../activities/schema/setup-schema';
import { runPgbench } from '../../activities/workload/pgbench-runner';
import { runWorkloadEngine } from '../../activities/workload/workload-engine';
import { parseWorkloadSettings } from '../../shared/workload-settings';
import type { Command } from '../command';

interface BenchRow {
  clients: number;
  faultline_ops_per_s: number;
  /** pgbench on the same protocol as faultline (--protocol, default extended). */
  pgbench_tps: number;
  ratio: number;
  /** pgbench with its default simple protocol, for reference. */
  pgbench_simple_tps?: number;
}

function benchOptions(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string', default: '20' },
      clients: { type: 'string', default: '3,16' },
      connection: { type: 'string', default: 'direct' },
      protocol: { type: 'string', default: 'extended' },
    },
  });
  const seconds = Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600)
    throw new Error('--seconds must be a number from 1 to 3600');
  const clientCounts = values.clients.split(',').map((c) => Number(c));
  if (clientCounts.some((c) => !Number.isInteger(c) || c < 1 || c > 512))
    throw new Error('--clients must be whole numbers from 1 to 512, comma-separated');
  const connection = values.connection;
  const protocol = values.protocol as 'simple' | 'extended' | 'prepared';
  if (!['simple', 'extended', 'prepared'].includes(protocol))
    throw new Error('--protocol must be simple, extended or prepared');
  return { seconds, clientCounts, connection, protocol };
}

export const benchCommand: Command = {
  summary: 'benchmark the workload engine against pgbench (same statements, weights, clients, duration)',
  async run(args) {
    const { seconds, clientCounts, connection, protocol } = benchOptions(args);
    const weights = { read: 70, write: 20, transaction: 10 };

    const runFaultline = async (clients: number) => {
      await reseedBusinessData(connection);
      const settings = parseWorkloadSettings({
        concurrentWorkers: clients,
        poolSize: clients,
        thinkTimeSeconds: { min: 0, max: 0 },
      });
      const result = await runWorkloadEngine({ connection, settings, durationMs: seconds * 1000 });
      const perSecond = result.overall.total.successes / (result.overall.durationMs / 1000);
      process.stdout.write(
        `  faultline  ${String(clients).padStart(3)} clients: ${perSecond.toFixed(1)} ops/s (${result.overall.total.failures} failed)\n`,
      );
      return perSecond;
    };
    const runBaseline = async (clients: number, mode = protocol) => {
      await reseedBusinessData(connection);
      const result = await runPgbench({ connection, clients, durationSeconds: seconds, weights, protocol: mode });
      if (result.exitCode !== 0) throw new Error(`pgbench failed (exit ${result.exitCode}):\n${result.output}`);
      process.stdout.write(
        `  pgbench    ${String(clients).padStart(3)} clients: ${result.tps.toFixed(1)} tps, -M ${mode} (${result.failed} failed)\n`,
      );
      return result.tps;
    };

    process.stdout.write(
      `faultline bench: ${seconds} s per run on "${connection}", weights 70/20/10, closed loop, reseeded before each run; ` +
        `the ratio is against pgbench -M ${protocol} (faultline's driver binds parameters: the extended protocol), -M simple shown for reference\n`,
    );
    const results: BenchRow[] = [];
    for (const [i, clients] of clientCounts.entries()) {
      // Alternate which goes first, so neither always meets a warmer cache.
      let ours: number;
      let theirs: number;
      if (i % 2 === 0) {
        ours = await runFaultline(clients);
        theirs = await runBaseline(clients);
      } else {
        theirs = await runBaseline(clients);
        ours = await runFaultline(clients);
      }
      const simple = protocol === 'simple' ? undefined : await runBaseline(clients, 'simple');
      const round = (n: number) => Math.round(n * 10) / 10;
      results.push({
        clients,
        faultline_ops_per_s: round(ours),
        pgbench_tps: round(theirs),
        ratio: Math.round((ours / theirs) * 1000) / 1000,
        ...(simple !== undefined ? { pgbench_simple_tps: round(simple) } : {}),
      });
    }
    await reseedBusinessData(connection);
    process.stdout.write(`${JSON.stringify({ results })}\n`);
    return 0;
  },
};
