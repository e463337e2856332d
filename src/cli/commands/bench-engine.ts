/**
 * The engine's side of `faultline bench`: one closed-loop run in this process, or (`--shards N`)
 * N runs at once in child processes, the clients split among them the way `workload.shards` splits
 * them among workers. A child inherits the generator's CPU set; each reports its own figures and
 * the CPU time of its run alone (not its start-up).
 */
import { spawn } from 'node:child_process';
import { runWorkloadEngine } from '../../activities/workload/engine/workload-engine';
import { parseWorkloadSettings, shareOf } from '../../shared/workload-settings';
import { processCpuUs } from './bench-cpus';

/** The option a child is started with, `bench --engine-run JSON` (not a user's: hidden from the help). */
export const ENGINE_RUN_OPTION = 'engine-run';

export interface EngineRun {
  connection: string;
  clients: number;
  seconds: number;
}

export interface EngineFigures {
  pid: number;
  clients: number;
  successes: number;
  failures: number;
  durationMs: number;
  cpuUs: number;
}

async function engineFigures(run: EngineRun): Promise<EngineFigures> {
  const settings = parseWorkloadSettings({
    concurrentWorkers: run.clients,
    poolSize: run.clients,
    thinkTimeSeconds: { min: 0, max: 0 },
  });
  const cpuBefore = processCpuUs();
  const result = await runWorkloadEngine({ connection: run.connection, settings, durationMs: run.seconds * 1000 });
  const cpuUs = processCpuUs() - cpuBefore;
  const t = result.overall.total;
  return {
    pid: process.pid,
    clients: run.clients,
    successes: t.successes,
    failures: t.failures,
    durationMs: result.overall.durationMs,
    cpuUs,
  };
}

/** A child's whole job: one run, its figures as the last line. */
export async function runEngineOnce(json: string): Promise<number> {
  const figures = await engineFigures(JSON.parse(json) as EngineRun);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  return 0;
}

function child(run: EngineRun): Promise<EngineFigures> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [...process.execArgv, process.argv[1]!, 'bench', `--${ENGINE_RUN_OPTION}`, JSON.stringify(run)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: process.env,
      },
    );
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as EngineFigures);
      else reject(new Error(`bench engine process failed (exit ${code}):\n${err || out}`));
    });
  });
}

/** The engine's run, in this process (`shards` 1) or in that many at once. */
export async function runEngineShards(run: EngineRun & { shards: number }): Promise<EngineFigures[]> {
  const { shards, ...one } = run;
  if (shards === 1) return [await engineFigures(one)];
  const figures = await Promise.all(
    Array.from({ length: shards }, (_, i) => child({ ...one, clients: shareOf(run.clients, i, shards) })),
  );
  for (const [i, f] of figures.entries())
    process.stdout.write(
      `    shard ${i + 1} (pid ${f.pid}): ${f.clients} clients, ${f.successes} ops in ${(f.durationMs / 1000).toFixed(1)} s\n`,
    );
  return figures;
}
