/**
 * An experiment run beside independent probes (test/harness/independent-probe.ts), one per path, so
 * that a test can hold the report's downtime to what a client that shares no code with faultline saw.
 */
import { readFileSync } from 'node:fs';
import type { ExperimentReport, PathReport } from '../../../src/activities/report/report-types';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../../src/shared/experiment-types';
import {
  referenceTotalMs,
  referenceWindows,
  type Attempt,
  type ReferenceWindow,
} from '../../reference/availability-reference';
import { IndependentProbe, type ProbeLimits } from './independent-probe';
import { SessionProbe } from './session-probe';
import { testClient } from './temporal-client';

export const STALL_MS = 1000;
const WRITE_SQL = 'SELECT txid_current()';

export interface ProbedRun<P extends string = 'direct' | 'proxy'> {
  result: ExperimentResult;
  report: ExperimentReport;
  /** What each independent probe saw, from one second before the (first) injection to the end. */
  probeMs: Record<P, number>;
  /** The same for write probes (`SELECT txid_current()`: a read-only server refuses it); null unless asked for. */
  writeProbeMs: Record<P, number> | null;
  /**
   * What session probes saw (connections kept, as the workload's pool keeps them: see
   * session-probe.ts), read and write; null unless asked for.
   */
  sessionProbeMs: Record<P, number> | null;
  sessionWriteProbeMs: Record<P, number> | null;
  /** Each probe's windows, from the injection ("+0.2..+10.1s"), for the test's output. */
  probeWindows: Record<string, string>;
  /** Each probe's windows ending after the injection - 1 s (an open one ends at the report's end), by the same key. */
  windows: Record<string, ReferenceWindow[]>;
}

interface Probe {
  readonly path: string;
  readonly sql: string;
  readonly attempts: Attempt[];
  stop(): Promise<number>;
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
  /** Also run session probes (and session write probes, with `writes`). */
  sessions?: boolean;
  /**
   * How long a session probe waits on its session before it drops it (3 s unless given). A pooled
   * client keeps a stalled session until its statement timeout: give that to hold a report to what the
   * workload's own sessions could see through a longer stall.
   */
  sessionGiveUpMs?: number;
}

export async function runWithProbes<P extends string = 'direct' | 'proxy'>(
  name: string,
  definition: Record<string, unknown>,
  paths: P[] = ['direct', 'proxy'] as P[],
  { limits, writes = false, sessions = false, sessionGiveUpMs }: ProbeOptions = {},
): Promise<ProbedRun<P>> {
  const each = (make: (path: P) => Probe, wanted = true): Record<string, Probe> =>
    Object.fromEntries(wanted ? paths.map((path) => [path, make(path)]) : []);
  const probes = each((path) => new IndependentProbe(path, 'SELECT 1', limits));
  const writeProbes = each((path) => new IndependentProbe(path, WRITE_SQL, limits), writes);
  const sessionOptions = sessionGiveUpMs === undefined ? undefined : { giveUpAfterMs: sessionGiveUpMs };
  const sessionProbes = each((path) => new SessionProbe(path, 'SELECT 1', sessionOptions), sessions);
  const sessionWriteProbes = each((path) => new SessionProbe(path, WRITE_SQL, sessionOptions), sessions && writes);
  const all = [probes, writeProbes, sessionProbes, sessionWriteProbes].flatMap((set) => Object.values(set));
  let result: ExperimentResult;
  try {
    const client = await testClient();
    result = await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-${name}-${Date.now()}`,
      args: [definition],
    });
  } finally {
    await Promise.all(all.map((p) => p.stop()));
  }
  const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
  if (!report.cycles[0])
    throw new Error(`experiment ${name} injected nothing: ${report.verdict}, ${report.verdictReason}`);
  const from = Date.parse(report.cycles[0].injectRequestedAt) - 1000;
  const until = Date.parse(report.endedAt);
  const inject = from + 1000;
  const judge = (set: Record<string, Probe>, kind: string) => {
    const ms = {} as Record<P, number>;
    for (const [path, probe] of Object.entries(set) as Array<[P, Probe]>) {
      const windows = referenceWindows(probe.attempts, STALL_MS, until);
      ms[path] = Math.round(referenceTotalMs(windows, until, from, until));
      const key = `${path} ${kind} ${probe.sql}`;
      windowsByProbe[key] = windows.filter((w) => (w.end ?? until) > from).map((w) => ({ ...w, end: w.end ?? until }));
      probeWindows[key] = windowsByProbe[key]!.map(
        (w) => `+${((w.start - inject) / 1000).toFixed(1)}..+${(((w.end ?? until) - inject) / 1000).toFixed(1)}s`,
      ).join(' ');
    }
    return ms;
  };
  const probeWindows: Record<string, string> = {};
  const windowsByProbe: Record<string, ReferenceWindow[]> = {};
  return {
    result,
    report,
    probeMs: judge(probes, 'fresh'),
    writeProbeMs: writes ? judge(writeProbes, 'fresh') : null,
    sessionProbeMs: sessions ? judge(sessionProbes, 'session') : null,
    sessionWriteProbeMs: sessions && writes ? judge(sessionWriteProbes, 'session') : null,
    probeWindows,
    windows: windowsByProbe,
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
