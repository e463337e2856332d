/**
 * Benchmark (issue 16): how long a `faultline worker` takes from its process start to its first
 * poll of the task queue, run from the TypeScript sources (tsx, workflows bundled by webpack at
 * start) and compiled (`npm run build`: dist/ and a workflow bundle built once). Needs the lab's
 * Temporal server (`bin/faultline up`). Prints one line per run and the medians.
 *
 *   npx tsx scripts/bench-worker-start.ts [--runs 3]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { workerIsPolling } from '../src/lab/worker-processes';
import { PROJECT_ROOT } from '../src/platform/settings';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;

async function startToPoll(fromSource: boolean, run: number): Promise<number> {
  const queue = `bench-worker-start-${Date.now()}-${run}`;
  const env: NodeJS.ProcessEnv = { ...process.env, FAULTLINE_TASK_QUEUE: queue };
  if (fromSource) env.FAULTLINE_FROM_SOURCE = '1';
  else delete env.FAULTLINE_FROM_SOURCE;
  const started = performance.now();
  const worker = spawn(path.join(PROJECT_ROOT, 'bin', 'faultline'), ['worker'], { env, stdio: 'ignore' });
  try {
    for (;;) {
      if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode})`);
      if (await workerIsPolling(queue, worker.pid!)) return performance.now() - started;
      if (performance.now() - started > 60_000) throw new Error('no poll within 60 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(path.join(PROJECT_ROOT, 'dist', '.stamp'))) throw new Error('run `npm run build` first');
  const figures: Record<string, number[]> = { source: [], compiled: [] };
  for (let i = 0; i < runs; i++) {
    for (const mode of ['source', 'compiled'] as const) {
      const ms = await startToPoll(mode === 'source', i);
      figures[mode]!.push(ms);
      process.stdout.write(`run ${i + 1} ${mode}: worker start to first poll ${Math.round(ms)} ms\n`);
    }
  }
  process.stdout.write(
    `worker_start_to_poll_ms source=${Math.round(median(figures.source!))} compiled=${Math.round(median(figures.compiled!))} (median of ${runs})\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
