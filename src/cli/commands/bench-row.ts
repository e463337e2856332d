/**
 * One row of `faultline bench`'s results: the medians of a client count's pairs of runs (each
 * generator's figures, and the ratio as the median of each pair's). Pure.
 */

export interface BenchRow {
  clients: number;
  /** The engine's processes (`--shards`), when more than one. */
  shards?: number;
  /** Pairs run (`--rounds`), when more than one: every figure is then the median of the rounds'. */
  rounds?: number;
  faultline_ops_per_s: number;
  /** pgbench on the same protocol as faultline (--protocol, default extended). */
  pgbench_tps: number;
  ratio: number;
  /** The lowest and highest pair's ratio, when more than one round. */
  ratio_min?: number;
  ratio_max?: number;
  /** pgbench with its default simple protocol, for reference. */
  pgbench_simple_tps?: number;
  /** CPU time (user + system) per operation of each generator, in µs. */
  faultline_cpu_us_per_op: number;
  pgbench_cpu_us_per_op: number | null;
  /** The database container's CPU time over the faultline run, as a share of its CPUs (pgbench's run beside it). */
  db_cpu_util: number;
  db_cpu_util_pgbench: number;
}

export interface RunFigures {
  perSecond: number;
  cpuUsPerOp: number | null;
  dbUtil: number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function pairedRow(
  clients: number,
  ours: RunFigures[],
  theirs: RunFigures[],
  simple: RunFigures | undefined,
  options: { shards: number; rounds: number },
): BenchRow {
  const ratios = ours.map((o, r) => o.perSecond / theirs[r]!.perSecond);
  const mid = (figures: RunFigures[], pick: (f: RunFigures) => number | null): number | null => {
    const values = figures.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : median(values);
  };
  const theirCpu = mid(theirs, (f) => f.cpuUsPerOp);
  return {
    clients,
    ...(options.shards > 1 ? { shards: options.shards } : {}),
    ...(options.rounds > 1 ? { rounds: options.rounds } : {}),
    faultline_ops_per_s: round(median(ours.map((f) => f.perSecond))),
    pgbench_tps: round(median(theirs.map((f) => f.perSecond))),
    ratio: round(median(ratios), 3),
    ...(options.rounds > 1
      ? { ratio_min: round(Math.min(...ratios), 3), ratio_max: round(Math.max(...ratios), 3) }
      : {}),
    ...(simple !== undefined ? { pgbench_simple_tps: round(simple.perSecond) } : {}),
    faultline_cpu_us_per_op: round(mid(ours, (f) => f.cpuUsPerOp) ?? 0),
    pgbench_cpu_us_per_op: theirCpu === null ? null : round(theirCpu),
    db_cpu_util: round(median(ours.map((f) => f.dbUtil)), 3),
    db_cpu_util_pgbench: round(median(theirs.map((f) => f.dbUtil)), 3),
  };
}
