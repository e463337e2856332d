/**
 * An experiment run beside independent probes (test/harness/independent-probe.ts), one per path, so
 * that a test can hold the report's downtime to what a client that shares no code with faultline saw.
 */
import { readFileSync } from 'node:fs';
import type { ExperimentReport, PathReport } from '../../../src/activities/report/report-types';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../../src/workflows/chaos-experiment/contract';
import type { ExperimentResult } from '../../../src/shared/experiment-types';
import { referenceTotalMs, referenceWindows } from '../../reference/availability-reference';
import { IndependentProbe, type ProbeLimits } from './independent-probe';
import { testClient } from './temporal-client';

export const STALL_MS = 1000;

export interface ProbedRun<P extends string = 'direct' | 'proxy'> {
  result: ExperimentResult;
  report: ExperimentReport;
  /** What each independent probe saw, from one second before the (first) injection to the end. */
  probeMs: Record<P, number>;
  /** The same for write probes (`SELECT txid_current()`: a read-only server refuses it); null unless asked for. */
  writeProbeMs: Record<P, number> | null;
  /** Each probe's windows, from the injection ("+0.2..+10.1s"), for the test's output. */
  probeWindows: Record<string, string>;
}

export interface ProbeOptions {
  /** Attempts open at once per probe (see IndependentProbe). */
  limits?: ProbeLimits;
  /**
   * Also probe writes. Off by default: every probe connection stuck on a paused server is one more
   * login the server must serve when it comes back, which delays the probes' own first success; the
   * harness must not lengthen the outage it measures.
   */
  writes?: boolean;
}

export async function runWithProbes<P extends string = 'direct' | 'proxy'>(
  name: string,
  definition: Record<string, unknown>,
  paths: P[] = ['direct', 'proxy'] as P[],
  { limits, writes = false }: ProbeOptions = {},
): Promise<ProbedRun<P>> {
  const probes = Object.fromEntries(paths.map((path) => [path, new IndependentProbe(path, 'SELECT 1', limits)]));
  const writeProbes = Object.fromEntries(
    writes ? paths.map((path) => [path, new IndependentProbe(path, 'SELECT txid_current()', limits)]) : [],
  );
  let result: ExperimentResult;
  try {
    const client = await testClient();
    result = await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-${name}-${Date.now()}`,
      args: [definition],
    });
  } finally {
    await Promise.all([...Object.values(probes), ...Object.values(writeProbes)].map((p) => p.stop()));
  }
  const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
  if (!report.cycles[0])
    throw new Error(`experiment ${name} injected nothing: ${report.verdict}, ${report.verdictReason}`);
  const from = Date.parse(report.cycles[0].injectRequestedAt) - 1000;
  const until = Date.parse(report.endedAt);
  const inject = from + 1000;
  const judge = (set: Record<string, IndependentProbe>) => {
    const ms = {} as Record<P, number>;
    for (const [path, probe] of Object.entries(set) as Array<[P, IndependentProbe]>) {
      const windows = referenceWindows(probe.attempts, STALL_MS, until);
      ms[path] = Math.round(referenceTotalMs(windows, until, from, until));
      probeWindows[`${path} ${probe.sql}`] = windows
        .filter((w) => (w.end ?? until) > from)
        .map((w) => `+${((w.start - inject) / 1000).toFixed(1)}..+${(((w.end ?? until) - inject) / 1000).toFixed(1)}s`)
        .join(' ');
    }
    return ms;
  };
  const probeWindows: Record<string, string> = {};
  return {
    result,
    report,
    probeMs: judge(probes),
    writeProbeMs: writes ? judge(writeProbes) : null,
    probeWindows,
  };
}

/** A Docker fault on the lab's db, both paths, a fast workload (sampling every 10-20 ms per worker). */
export function dbFault(name: string, action: string, faultSeconds: number): Record<string, unknown> {
  return {
    name,
    paths: ['direct', 'proxy'],
    fault: { kind: 'docker', action, target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
    durations: { warmupSeconds: 3, faultSeconds, recoveryTimeoutSeconds: 60 },
    workload: { thinkTimeSeconds: { min: 0.01, max: 0.02 }, stallThresholdMs: STALL_MS },
    steadyState: { windowSeconds: 2 },
    report: { directory: 'test-artifacts/reports' },
  };
}

export const pathOf = (report: ExperimentReport, name: string): PathReport => {
  const path = report.paths.find((p) => p.path === name);
  if (!path) throw new Error(`the report has no path ${name}: ${report.paths.map((p) => p.path).join(', ')}`);
  return path;
};
