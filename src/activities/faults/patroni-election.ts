/**
 * The election after a Patroni fault: waiting for another member to hold the leader lock, then for
 * its PostgreSQL to be promoted (a new timeline in Patroni's /history), each noted on the injection.
 */
import { lsnText } from './patroni-lose-writes';
import type { ClusterNode } from '../../platform/patroni/cluster-nodes';
import { leadersOf, patroniCluster, patroniHistory, type PatroniCluster } from '../../platform/patroni/patroni-rest';
import type { PatroniFault } from '../../shared/experiment-schema';
import type { PatroniInjection } from '../../shared/fault-types';
import { waitFor } from './container-state';

type Note = (message: string, source?: 'faultline' | 'patroni') => void;

export const timelineOf = (view: PatroniCluster | undefined, member: string): number | null =>
  view?.members.find((m) => m.name === member)?.timeline ?? null;
/** Asks the nodes other than `avoid` first: a partitioned node's REST API only times out. */
const preferring = (nodes: ClusterNode[], avoid: string) => [
  ...nodes.filter((n) => n.member !== avoid),
  ...nodes.filter((n) => n.member === avoid),
];

/** Waits for another member to lead (or records that none did), then reads the new timeline. */
export async function waitForNewLeader(
  fault: PatroniFault,
  members: ClusterNode[],
  injection: PatroniInjection,
  note: Note,
): Promise<void> {
  const oldLeader = injection.oldLeader;
  const killed = fault.action === 'kill-leader' || fault.action === 'lose-writes';
  const nodes = preferring(members, oldLeader).map((n) =>
    n.member === oldLeader && killed ? { ...n, running: false } : n,
  );
  let view: PatroniCluster | undefined;
  await waitFor(
    `a new leader of ${fault.cluster}`,
    async () => {
      view = await patroniCluster(nodes);
      const leader = leadersOf(view).find((m) => m.name !== oldLeader && m.state === 'running');
      if (!leader) return false;
      injection.newLeader = leader.name;
      injection.leaderChangedAt = new Date().toISOString();
      return true;
    },
    fault.electionTimeoutSeconds * 1000,
  ).catch(() => note(`no other member led within ${fault.electionTimeoutSeconds} s`));
  if (injection.newLeader) {
    note(`${injection.newLeader} holds the leader lock`, 'patroni');
    await waitForPromotion(fault, nodes, injection, note);
  }
  injection.timelineAfter ??= timelineOf(view, injection.newLeader ?? oldLeader);
}

/**
 * Holding the leader lock is not being promoted: Patroni names the new leader (and answers /primary
 * with 200) before PostgreSQL has left recovery. The promotion is when Patroni's history gains the
 * entry that ends the old timeline.
 */
async function waitForPromotion(
  fault: PatroniFault,
  nodes: ClusterNode[],
  injection: PatroniInjection,
  note: Note,
): Promise<void> {
  const before = injection.timelineBefore ?? 0;
  await waitFor(
    `${injection.newLeader} to be promoted (a new timeline in /history)`,
    async () => {
      const entry = (await patroniHistory(nodes)).find((h) => h[0] >= before);
      if (!entry) return false;
      injection.promotedAt = new Date(entry[3]).toISOString();
      injection.timelineAfter = entry[0] + 1;
      note(
        `PostgreSQL on ${injection.newLeader} promoted: timeline ${entry[0]} -> ${entry[0] + 1} at WAL ${lsnText(entry[1])} (${entry[2]})`,
        'patroni',
      );
      return true;
    },
    fault.electionTimeoutSeconds * 1000,
  ).catch(() => note(`${injection.newLeader} was not promoted within ${fault.electionTimeoutSeconds} s`));
}
