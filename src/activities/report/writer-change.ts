/**
 * A Patroni failover as the report tells it: old and new leader, when the change was seen and when
 * Patroni promoted, the timelines, the cluster after the restore, and per path when writes failed
 * and the first successful write on the new writer (from the path's write outages).
 */
import type { ExperimentOutcome } from '../../shared/experiment-types';
import type { PatroniInjection, RestoreRecord } from '../../shared/fault-types';
import type { WorkloadResult } from '../../shared/workload-types';

export interface PathWriterChange {
  path: string;
  /** The start of the write outage around the fault (its first failed or held write); null when there was none. */
  writesFailedFrom: string | null;
  /** The first successful write started after that, on the new writer; null if none came. */
  firstWriteAt: string | null;
  failedWrites: number;
  /** Writes held past the stall threshold, then served (a pooler holding them through the failover). */
  heldWrites: number;
  /** firstWriteAt - leaderChangedAt (negative: writes came back before faultline saw the change). */
  afterLeaderChangeMs: number | null;
  /** firstWriteAt - the inject request. */
  afterInjectMs: number | null;
}

export interface WriterChangeReport extends PatroniInjection {
  cluster: string;
  restoredCluster: RestoreRecord['cluster'] | null;
  paths: PathWriterChange[];
}

function pathChange(w: WorkloadResult, injectAt: number, changeAt: number | null): PathWriterChange {
  // The outage that was open at the inject or began after it (the first one: a repeated fault's
  // later cycles have their own injections).
  const outage = (w.writeOutages ?? []).find((o) => o.end === null || Date.parse(o.end) >= injectAt);
  const firstWrite = outage?.end ? Date.parse(outage.end) : null;
  return {
    path: w.connection,
    writesFailedFrom: outage?.start ?? null,
    firstWriteAt: outage?.end ?? null,
    failedWrites: outage?.failures ?? 0,
    heldWrites: outage?.held ?? 0,
    afterLeaderChangeMs: firstWrite !== null && changeAt !== null ? firstWrite - changeAt : null,
    afterInjectMs: firstWrite !== null ? firstWrite - injectAt : null,
  };
}

export function writerChangeOf(
  outcome: ExperimentOutcome,
  workloads: WorkloadResult[],
): WriterChangeReport | undefined {
  const patroni = outcome.injection?.patroni;
  if (!patroni || !outcome.injection) return undefined;
  const injectAt = Date.parse(outcome.injection.injectRequestedAt);
  const changeAt = patroni.leaderChangedAt ? Date.parse(patroni.leaderChangedAt) : null;
  return {
    ...patroni,
    cluster: outcome.injection.target.name,
    restoredCluster: outcome.restore?.cluster ?? null,
    paths: workloads.map((w) => pathChange(w, injectAt, changeAt)),
  };
}
