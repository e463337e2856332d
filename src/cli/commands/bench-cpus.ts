/**
 * The fair benchmark's CPU arrangement: the database container pinned to its own CPUs
 * (`docker update --cpuset-cpus`), the load generator (this process, or pgbench) to the others
 * (`taskset`), so that both generators face the same database capacity and neither steals the
 * database's cores. And what each side spent: CPU time per operation of a generator, the database
 * container's CPU utilisation of its set.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { docker } from '../../platform/docker';

export interface CpuPlan {
  /** taskset's list for the generator, e.g. "0". */
  generator: string;
  /** Docker's cpuset for the database, e.g. "1". */
  database: string;
  databaseCount: number;
  generatorCount: number;
}

/** The upper half of the CPUs (at least one) for the database, the rest for the generator. */
export function cpuPlan(cpus = os.cpus().length): CpuPlan {
  if (cpus < 2) throw new Error(`a pinned benchmark needs 2 CPUs or more (this machine has ${cpus}); use --shared-cpu`);
  const databaseCount = Math.max(1, Math.floor(cpus / 2));
  const generatorCount = cpus - databaseCount;
  const list = (from: number, count: number) => (count === 1 ? String(from) : `${from}-${from + count - 1}`);
  return {
    generator: list(0, generatorCount),
    database: list(generatorCount, databaseCount),
    databaseCount,
    generatorCount,
  };
}

/** Every CPU of this machine, as a cpuset list ("0-1"). */
export function allCpus(): string {
  return `0-${os.cpus().length - 1}`;
}

function taskset(cpus: string, pid: number): void {
  const result = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset -a -p -c ${cpus} ${pid} failed: ${result.stderr || result.error}`);
}

/** Pins the database container and this process; returns the undo (run it whatever happens). */
export async function pinCpus(container: string, plan: CpuPlan): Promise<() => Promise<void>> {
  const db = docker.getContainer(container);
  const before = (await db.inspect()).HostConfig.CpusetCpus ?? '';
  await db.update({ CpusetCpus: plan.database });
  try {
    taskset(plan.generator, process.pid);
  } catch (err) {
    await db.update({ CpusetCpus: before || allCpus() });
    throw err;
  }
  const all = allCpus();
  return async () => {
    taskset(all, process.pid);
    // Docker takes an empty set as "no change": every CPU is how a container is unpinned.
    await db.update({ CpusetCpus: before || all });
  };
}

/** The container's CPU time so far, in microseconds (cgroup accounting, as `docker stats` reads it). */
export async function containerCpuUs(container: string): Promise<number> {
  const stats = (await docker.getContainer(container).stats({ stream: false })) as {
    cpu_stats: { cpu_usage: { total_usage: number } };
  };
  return stats.cpu_stats.cpu_usage.total_usage / 1000;
}

/** This process's CPU time so far (user + system), in microseconds. */
export function processCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** bash's `times` after a child: "0m0.010s 0m0.002s\n0m1.234s 0m0.456s" -> the children's user + system, µs. */
export function childrenCpuUs(timesOutput: string): number {
  const lines = timesOutput.trim().split('\n');
  const children = lines[lines.length - 1] ?? '';
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (parts.length !== 2) throw new Error(`cannot read the children's CPU times from "${children}"`);
  return Math.round((parts[0]! + parts[1]!) * 1_000_000);
}
