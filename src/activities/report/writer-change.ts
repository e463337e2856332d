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

/**
 * The outages of a fault (open at the inject or begun after it) up to the one the new writer ended:
 * the first still open when it took over (`takeoverAt`; unknown: the first). One that ended on the
 * old writer before that is an earlier outage, not "the first operation on the new writer"; none
 * spans it when a pooler kept the path's operations coming across the change.
 */
export function outageAcrossChange(
  outages: WriteOutage[],
  injectAt: number,
  takeoverAt: number | null,
): { outage: WriteOutage | undefined; upToIt: WriteOutage[] } {
  const sinceInject = outages.filter((o) => o.end === null || Date.parse(o.end) >= injectAt);
  const spansChange = (o: WriteOutage) => takeoverAt === null || o.end === null || Date.parse(o.end) >= takeoverAt;
  const index = sinceInject.findIndex(spansChange);
  return index >= 0
    ? { outage: sinceInject[index], upToIt: sinceInject.slice(0, index + 1) }
    : { outage: undefined, upToIt: sinceInject };
}

/**
 * When the outage's first operation was served on the new writer: its end, or for held operations
 * merged into it the first of them served, when that came after the takeover (earlier, it may have
 * been served by the old writer).
 */
export function firstServedAfter(outage: WriteOutage, takeoverAt: number | null): string | null {
  if (!outage.end) return null;
  const first = outage.firstServedAt;
  return first && takeoverAt !== null && Date.parse(first) >= takeoverAt ? first : outage.end;
}

/** `changeAt`: when faultline saw the leader change; `takeoverAt`: when the new writer was promoted (or, unknown, that). */
function pathChange(
  w: WorkloadResult,
  injectAt: number,
  changeAt: number | null,
  takeoverAt: number | null,
): PathWriterChange {
  const { outage, upToIt } = outageAcrossChange(w.writeOutages ?? [], injectAt, takeoverAt);
  const firstWriteAt = outage ? firstServedAfter(outage, takeoverAt) : null;
  const firstWrite = firstWriteAt ? Date.parse(firstWriteAt) : null;
  return {
    path: w.connection,
    writesFailedFrom: outage?.start ?? null,
    firstWriteAt,
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
