/**
 * When the cluster's writer endpoint was down, from the cluster's own records, not faultline's:
 * the start is the moment the old leader stopped serving (Docker's `die` event of a killed node or
 * of the black-hole sidecar's run; PostgreSQL's own "received fast shutdown request" in a
 * switchover), the end is HAProxy's own log line "Server writer/<new leader> is UP".
 */
import { docker } from '../../../src/platform/docker';
import type { ContainerEvents } from './container-events';

export async function logLines(container: string, sinceSec: number): Promise<Array<{ at: number; text: string }>> {
  const raw = (
    await docker.getContainer(container).logs({ stdout: true, stderr: true, timestamps: true, since: sinceSec })
  ).toString('utf8');
  return raw
    .split('\n')
    .map((line) => {
      const m = /(\d{4}-\d\d-\d\dT[\d:.]+Z) (.*)$/.exec(line);
      return m ? { at: Date.parse(m[1]!.replace(/(\.\d{3})\d+Z$/, '$1Z')), text: m[2]! } : undefined;
    })
    .filter((l): l is { at: number; text: string } => l !== undefined);
}

export interface WriterOutage {
  from: number;
  to: number;
  ms: number;
  how: string;
}

export async function writerOutage(
  action: string,
  oldContainer: string,
  newLeader: string,
  injectAt: number,
  dies: ContainerEvents,
): Promise<WriterOutage> {
  let from: number | undefined;
  const after = dies.events.filter((e) => e.at >= injectAt - 1000);
  if (action === 'kill-leader' || action === 'lose-writes') {
    from = after.find((e) => e.name === oldContainer)?.at;
  } else if (action === 'partition-leader') {
    // The partition's one-shot netfault sidecar dies once its rules are in place.
    from = after.find(
      (e) =>
        e.labels['faultline.netfault.one-shot'] !== undefined || e.labels['faultline.netfault.target'] !== undefined,
    )?.at;
  } else {
    const lines = await logLines(oldContainer, Math.floor(injectAt / 1000) - 1);
    from = lines.find((l) => l.at >= injectAt - 1000 && /received fast shutdown request/.test(l.text))?.at;
  }
  if (from === undefined) throw new Error(`no record of when ${oldContainer} stopped serving (${action})`);
  const haproxy = await logLines('faultline-haproxy', Math.floor(from / 1000) - 1);
  const up = haproxy.find((l) => l.at >= from && new RegExp(`Server writer/${newLeader} is UP`).test(l.text));
  if (!up) throw new Error(`HAProxy never logged writer/${newLeader} UP after ${new Date(from).toISOString()}`);
  return {
    from,
    to: up.at,
    ms: up.at - from,
    how: `${action === 'switchover' || action === 'failover' ? 'PostgreSQL shutdown' : 'Docker die'} -> HAProxy writer/${newLeader} UP`,
  };
}

export interface PromotionRecord {
  /** PostgreSQL's "selected new timeline ID" on the new leader. */
  timeline: number;
  selectedAt: number;
  /** Its next "database system is ready to accept connections": writes can commit from here. */
  readyAt: number;
}

/** The new leader's promotion as its own PostgreSQL logged it (after `since`). */
export async function promotionLogged(container: string, since: number): Promise<PromotionRecord> {
  const lines = (await logLines(container, Math.floor(since / 1000) - 1)).filter((l) => l.at >= since - 1000);
  const selected = lines.find((l) => /selected new timeline ID: \d+/.test(l.text));
  if (!selected) throw new Error(`${container} logged no new timeline after ${new Date(since).toISOString()}`);
  const ready = lines.find((l) => l.at >= selected.at && /ready to accept connections/.test(l.text));
  if (!ready) throw new Error(`${container} never logged being ready after its promotion`);
  // PostgreSQL's own timestamp (ms) of the line, not when Docker read it off the pipe.
  const own = (l: { at: number; text: string }) => {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) UTC/.exec(l.text);
    return m ? Date.parse(`${m[1]}T${m[2]}Z`) : l.at;
  };
  return {
    timeline: Number(/selected new timeline ID: (\d+)/.exec(selected.text)![1]),
    selectedAt: own(selected),
    readyAt: own(ready),
  };
}

/**
 * When the new leader's Patroni took the leader lock, as it logged it (its own timestamp): the
 * moment Patroni (and so HAProxy's /primary check) names it leader, which may come well before its
 * PostgreSQL can leave recovery (a startup process asleep in wal_retrieve_retry_interval).
 */
export async function leaderLockLogged(container: string, since: number): Promise<number> {
  const lines = (await logLines(container, Math.floor(since / 1000) - 1)).filter((l) => l.at >= since - 1000);
  const took = lines.find((l) =>
    /promoted self to leader by acquiring session lock|acquired session lock as a leader/.test(l.text),
  );
  if (!took)
    throw new Error(`${container}: Patroni logged no leader lock taken after ${new Date(since).toISOString()}`);
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3}) INFO/.exec(took.text);
  return m ? Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) : took.at;
}
