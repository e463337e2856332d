/**
 * Runs pgbench with the seed's statements against a named connection, and reads its figures.
 * Used as background load during an experiment (the seed's --enable-pgbench) and by the benchmark.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OperationType, PgbenchFigures } from '../../../shared/workload-types';
import { resolveConnection } from '../../../platform/connections';
import { pgbenchScripts, pgbenchWeights } from './pgbench-scripts';

export interface PgbenchOptions {
  connection: string;
  clients: number;
  durationSeconds: number;
  weights: Record<OperationType, number>;
  /**
   * pgbench's query protocol (-M). `extended` (parameters bound separately, unnamed statements) is
   * what faultline's driver speaks; pgbench's own default is `simple`.
   */
  protocol?: 'simple' | 'extended' | 'prepared';
  signal?: AbortSignal;
  /** Run pgbench on these CPUs only (taskset's list, and how many it names), and count its CPU time (the benchmark). */
  cpus?: { list: string; count: number };
}

/** Printed between pgbench's output and bash's `times` (its children's CPU time). */
const TIMES_MARKER = '@@faultline-cpu-times';

export function parsePgbenchOutput(output: string): Omit<PgbenchFigures, 'clients' | 'exitCode'> {
  const num = (re: RegExp) => {
    const m = re.exec(output);
    return m ? Number(m[1]) : 0;
  };
  return {
    transactions: num(/number of transactions actually processed: (\d+)/),
    failed: num(/number of failed transactions: (\d+)/),
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    latencyAvgMs: num(/latency average = ([\d.]+) ms/),
  };
}

/** Where pgbench connects for a named connection (the password goes to its environment only). */
export function pgbenchConnection(connection: string): {
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
} {
  const pool = resolveConnection(connection).pool;
  const url = pool.connectionString ? new URL(pool.connectionString) : undefined;
  return {
    host: url?.hostname ?? String(pool.host),
    port: url?.port || String(pool.port ?? 5432),
    database: url ? url.pathname.slice(1) : String(pool.database),
    user: url ? decodeURIComponent(url.username) : String(pool.user),
    password: url ? decodeURIComponent(url.password) : String(pool.password ?? ''),
  };
}

/** Writes the seed's statements as pgbench scripts into `dir`; returns their `-f file@weight` arguments. */
export async function writePgbenchScripts(dir: string, typeWeights: Record<OperationType, number>): Promise<string[]> {
  const scripts = pgbenchScripts();
  const weights = pgbenchWeights(scripts, typeWeights);
  const args: string[] = [];
  for (const script of scripts) {
    const weight = weights.get(script.name) ?? 0;
    if (weight <= 0) continue;
    const file = path.join(dir, `${script.name}.sql`);
    await writeFile(file, `${script.body}\n`);
    args.push('-f', `${file}@${weight}`);
  }
  return args;
}

/** pgbench and its arguments; pinned, through bash, whose `times` then gives pgbench's CPU time (its child's). */
function pgbenchCommand(args: string[], cpus: PgbenchOptions['cpus']): [string, string[]] {
  if (!cpus) return ['pgbench', args];
  const script = `taskset -c "$0" pgbench "$@"; rc=$?; echo ${TIMES_MARKER}; times; exit $rc`;
  return ['bash', ['-c', script, cpus.list, ...args]];
}

export async function runPgbench(
  options: PgbenchOptions,
): Promise<PgbenchFigures & { output: string; /** bash `times` output, when pinned */ cpuTimes?: string }> {
  const { host, port, database, user, password } = pgbenchConnection(options.connection);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-pgbench-'));
  try {
    const args = [
      '-n',
      '-h',
      host,
      '-p',
      port,
      '-U',
      user,
      '-c',
      String(options.clients),
      '-j',
      String(Math.min(options.clients, options.cpus?.count ?? os.cpus().length)),
      '-T',
      String(options.durationSeconds),
    ];
    args.push(...(await writePgbenchScripts(dir, options.weights)), '-M', options.protocol ?? 'simple', database);
    return await new Promise((resolve, reject) => {
      // The password goes through the environment of the child only, never its arguments.
      const [command, commandArgs] = pgbenchCommand(args, options.cpus);
      const child = spawn(command, commandArgs, {
        env: { ...process.env, PGPASSWORD: password },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const onAbort = () => child.kill('SIGINT');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (err) =>
        reject(new Error(`pgbench could not run (${err.message}): install postgresql-client`)),
      );
      child.on('close', (code) => {
        options.signal?.removeEventListener('abort', onAbort);
        const [own, times] = output.split(`${TIMES_MARKER}\n`);
        resolve({
          clients: options.clients,
          exitCode: code,
          ...parsePgbenchOutput(own ?? ''),
          output: own ?? '',
          ...(times !== undefined ? { cpuTimes: times } : {}),
        });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
