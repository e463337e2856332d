/**
 * A Patroni failover as the report tells it: old and new leader, when the change was seen and when
 * Patroni promoted, the timelines, the cluster after the restore, and per path when writes failed
 * and the first successful write on the new writer (from the path's write outages).
 */
import type { ExperimentOutcome } from '../../shared/experiment-types';
import type { PatroniInjection, RestoreRecord } from '../../shared/fault-types';
import type { WorkloadResult, WriteOutage } from '../../shared/workload-types';

export interface PathWriterChange {
  path: string;
  /**
   * The start of the write outage the new writer ended (its first failed or held write; an earlier
   * one that ended on the old writer is only counted in failedWrites); null when none was open
   * when the new writer took over.
   */
  writesFailedFrom: string | null;
  /** The first successful write started after that, on the new writer; null if none came. */
  firstWriteAt: string | null;
  /** Writes that failed from the inject to the first write on the new writer (or all since the inject, if none). */
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
  /** The paths that reach the cluster: a path to another database has no writer change to tell. */
  paths: PathWriterChange[];
  /** The experiment's other paths (their server is not a member of the cluster). */
  pathsNotInCluster: string[];
}

/** `changeAt`: when faultline saw the leader change; `takeoverAt`: when the new writer was promoted (or, unknown, that). */
function pathChange(
  w: WorkloadResult,
  injectAt: number,
  changeAt: number | null,
  takeoverAt: number | null,
): PathWriterChange {
  // The write outages of this fault: open at the inject or begun after it. The writer change's is
  // the first still open when the new writer took over (a write that failed and then succeeded on
  // the old writer before that is an earlier outage, not "the first write on the new writer").
  const sinceInject = (w.writeOutages ?? []).filter((o) => o.end === null || Date.parse(o.end) >= injectAt);
  const spansChange = (o: WriteOutage) => takeoverAt === null || o.end === null || Date.parse(o.end) >= takeoverAt;
  // None spans it: every write outage ended on the old writer (a pooler kept this path's writes
  // coming across the change), and there is no "first write on the new writer" to tell.
  const index = sinceInject.findIndex(spansChange);
  const outage = index >= 0 ? sinceInject[index] : undefined;
  const upToIt = index >= 0 ? sinceInject.slice(0, index + 1) : sinceInject;
  const firstWrite = outage?.end ? Date.parse(outage.end) : null;
  return {
    path: w.connection,
    writesFailedFrom: outage?.start ?? null,
    firstWriteAt: outage?.end ?? null,
    failedWrites: upToIt.reduce((n, o) => n + o.failures, 0),
    heldWrites: upToIt.reduce((n, o) => n + (o.held ?? 0), 0),
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
  const takeoverAt = patroni.promotedAt ? Date.parse(patroni.promotedAt) : changeAt;
  const reached = (w: WorkloadResult) => !patroni.reachedPaths || patroni.reachedPaths.includes(w.connection);
  return {
    ...patroni,
    cluster: outcome.injection.target.name,
    restoredCluster: outcome.restore?.cluster ?? null,
    paths: workloads.filter(reached).map((w) => pathChange(w, injectAt, changeAt, takeoverAt)),
    pathsNotInCluster: workloads.filter((w) => !reached(w)).map((w) => w.connection),
  };
}

/** What a path with no write outage open at the takeover says instead of when writes failed. */
export function noOutageAcross(p: PathWriterChange): string {
  if (p.failedWrites === 0 && p.heldWrites === 0) return 'no write failed or was held';
  const before = p.heldWrites === 0 ? `${p.failedWrites} failed` : `${p.failedWrites} failed, ${p.heldWrites} held`;
  return `no write failed or was held across the leader change (${before} before it, then served by the old writer)`;
}
