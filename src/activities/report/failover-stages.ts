/**
 * A failover's stages, path by path, each from the record that saw it: the inject; the path's first
 * failed or held operation (its measurement); the old leader lost and the new writer promoted
 * (Patroni's REST API, or the RDS API); the path's endpoint sending fresh connections to another
 * server (the ground-truth probe's `inet_server_addr()`); the first read and the first write served
 * on the new writer (the path's read and write outages); and the stale-writer window (writes the
 * demoted writer refused as read-only).
 */
import type { ExperimentOutcome } from '../../shared/experiment-types';
import type { WorkloadResult, WriteOutage } from '../../shared/workload-types';
import type { StaleWriterWindow } from './stale-writer';
import { firstServedAfter, outageAcrossChange } from './writer-change';

export type StageName =
  | 'fault injected'
  | 'first failed or held operation'
  | 'leader lost'
  | 'new writer promoted'
  | 'endpoint routed to another server'
  | 'first read served'
  | 'first write acknowledged'
  | 'stale-writer window';

export interface FailoverStage {
  stage: StageName;
  /** null: the stage was not seen (`detail` says why). */
  at: string | null;
  /** A stage that is a span (the stale-writer window, a switchover's step-down): its end. */
  until?: string;
  afterInjectMs: number | null;
  /** What saw it, or why it was not seen. */
  detail: string;
  /** The routing stage: the server fresh connections reached before and after (`inet_server_addr()`). */
  server?: { from: string; to: string };
}

export interface PathFailoverStages {
  path: string;
  stages: FailoverStage[];
}

interface Cluster {
  injectAt: number;
  leaderLost: { at: string | null; until?: string; detail: string };
  promoted: { at: string | null; detail: string };
}

function clusterStages(outcome: ExperimentOutcome): Cluster | undefined {
  const injection = outcome.injection;
  if (!injection) return undefined;
  const injectAt = Date.parse(injection.injectRequestedAt);
  const { patroni, rds } = injection;
  if (patroni?.newLeader) {
    const lost = patroni.leaderLost;
    return {
      injectAt,
      leaderLost: lost
        ? { at: lost.at, until: lost.until, detail: `${patroni.oldLeader} ${lost.how}` }
        : { at: null, detail: 'not recorded (an older history)' },
      promoted: {
        at: patroni.promotedAt ?? patroni.leaderChangedAt,
        detail: patroni.promotedAt
          ? `${patroni.newLeader}, timeline ${patroni.timelineAfter ?? '?'} (Patroni's /history)`
          : `${patroni.newLeader} seen leading (/cluster); Patroni's /history has no entry`,
      },
    };
  }
  if (rds?.writerChanged)
    return {
      injectAt,
      leaderLost: { at: null, detail: `${rds.oldWriter}: the RDS API does not say when it stopped taking writes` },
      promoted: { at: rds.writerChangedAt, detail: `${rds.newWriter} seen as the writer (DescribeDBClusters)` },
    };
  return undefined;
}

const firstStart = (windows: Array<{ start: string; end: string | null }>, injectAt: number): number | null => {
  const starts = windows.filter((o) => o.end === null || Date.parse(o.end) >= injectAt).map((o) => Date.parse(o.start));
  return starts.length ? Math.min(...starts) : null;
};

/** The first operation of a kind served on the new writer: the end of its outage across the change. */
function servedAgain(
  outages: WriteOutage[] | undefined,
  c: Cluster,
  what: 'read' | 'write',
): { at: string | null; detail: string } {
  if (!outages) return { at: null, detail: `not measured (an older history)` };
  const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);
  const promoted = ms(c.promoted.at);
  // Reads: the outage open when the leader was lost, served by another server once it was gone.
  const takeoverAt = what === 'read' ? (ms(c.leaderLost.at) ?? promoted) : promoted;
  const goneAt = what === 'read' ? (ms(c.leaderLost.until) ?? promoted) : promoted;
  const { outage } = outageAcrossChange(outages, c.injectAt, takeoverAt);
  if (!outage) return { at: null, detail: `no ${what} failed or was held across the change` };
  if (!outage.end) return { at: null, detail: `${what}s had not come back when the measurement ended` };
  const at = firstServedAfter(outage, goneAt)!;
  const from = `from ${outage.start.slice(11, 23)}`;
  if (!outage.held) return { at, detail: `after ${outage.failures} failed ${from}` };
  const last = at !== outage.end ? `; the last held one ${outage.end.slice(11, 23)}` : '';
  return { at, detail: `after ${outage.failures} failed and ${outage.held} held ${from}${last}` };
}

function pathStages(
  w: WorkloadResult,
  c: Cluster,
  outcome: ExperimentOutcome,
  stale: StaleWriterWindow | undefined,
): PathFailoverStages {
  const after = (at: string | null) => (at === null ? null : Date.parse(at) - c.injectAt);
  const stage = (name: StageName, s: Omit<FailoverStage, 'stage' | 'afterInjectMs'>): FailoverStage => ({
    stage: name,
    ...s,
    afterInjectMs: after(s.at),
  });
  const first = firstStart([...w.downtime.windows, ...(w.writeOutages ?? []), ...(w.readOutages ?? [])], c.injectAt);
  const routed = outcome.injection?.paths?.[w.connection]?.routed;
  return {
    path: w.connection,
    stages: [
      stage('fault injected', { at: outcome.injection!.injectRequestedAt, detail: 'the inject was asked for' }),
      stage('first failed or held operation', {
        at: first === null ? null : new Date(first).toISOString(),
        detail: first === null ? 'no operation failed or was held' : "the start of the path's first such operation",
      }),
      stage('leader lost', c.leaderLost),
      stage('new writer promoted', c.promoted),
      stage(
        'endpoint routed to another server',
        routed
          ? {
              at: routed.at,
              detail: `the probe's first fresh connection that reached ${routed.to}, not ${routed.from}, completed`,
              server: { from: routed.from, to: routed.to },
            }
          : { at: null, detail: 'no fresh connection of the probe reached another server while it watched' },
      ),
      stage('first read served', servedAgain(w.readOutages, c, 'read')),
      stage('first write acknowledged', servedAgain(w.writeOutages, c, 'write')),
      stage(
        'stale-writer window',
        stale && stale.readOnlyErrors > 0
          ? {
              at: stale.firstAt,
              ...(stale.lastAt ? { until: stale.lastAt } : {}),
              detail: `${stale.readOnlyErrors} write${stale.readOnlyErrors === 1 ? '' : 's'} refused as read-only (25006)`,
            }
          : { at: null, detail: 'no write refused as read-only (25006)' },
      ),
    ],
  };
}

/** The stages of the experiment's (first) writer change on each path it reached; undefined without one. */
export function failoverStagesOf(
  outcome: ExperimentOutcome,
  workloads: WorkloadResult[],
  staleWriter: StaleWriterWindow[] | undefined,
): PathFailoverStages[] | undefined {
  const c = clusterStages(outcome);
  if (!c) return undefined;
  const reached = outcome.injection?.patroni?.reachedPaths;
  return workloads
    .filter((w) => !w.http && (!reached || reached.includes(w.connection)))
    .map((w) =>
      pathStages(
        w,
        c,
        outcome,
        staleWriter?.find((s) => s.path === w.connection),
      ),
    );
}

const signed = (ms: number) => `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(2)} s`;

/** "+5.12 s" since the inject (a span: "+5.12 s to +6.40 s"), or "-" when the stage was not seen. */
export function stageTime(s: FailoverStage): string {
  if (s.afterInjectMs === null) return '-';
  const end = s.until ? Date.parse(s.until) - Date.parse(s.at!) + s.afterInjectMs : null;
  return end === null ? signed(s.afterInjectMs) : `${signed(s.afterInjectMs)} to ${signed(end)}`;
}

/** "first write acknowledged: +5.12 s (after 41 failed from 10:00:01.200)". */
export const stageText = (s: FailoverStage): string => `${s.stage}: ${stageTime(s)} (${s.detail})`;
