/**
 * The restore of a Patroni fault: start a killed node, heal a partition (on every node of the
 * cluster, so a restore that lost track of which one still does the right thing), put back the
 * replication settings a lose-writes drill saved, then wait until the old leader has rejoined as a
 * replica on the new timeline (a synchronous one, if it was): a fault is over when the cluster is.
 */
import { docker } from '../../platform/docker';
import { logger } from '../../platform/logger';
import { clusterNodes, type ClusterNode } from '../../platform/patroni/cluster-nodes';
import {
  clusterHealthy,
  leadersOf,
  membersText,
  patroniCluster,
  type PatroniCluster,
} from '../../platform/patroni/patroni-rest';
import type { PatroniFault } from '../../shared/experiment-schema';
import type { ResolvedDockerTarget } from '../../shared/fault-types';
import { resolveDockerTarget } from './docker-fault';
import { runContainerAgain, waitFor } from './container-state';
import { clearNetworkFault } from './network-fault';
import { restoreReplicationSettings, synchronousModeOn } from '../../platform/patroni/patroni-config';

/** How long the old leader may take to rejoin before its node is taken to be stuck. */
const STUCK_REJOIN_MS = 60_000;

/**
 * Starts (or unpauses) every node of the cluster, then heals every node's network, each step on
 * every node whatever fails on another; the actions taken. Throws, after trying them all, when any failed.
 */
async function putNodesBack(cluster: string): Promise<Set<string>> {
  const actions = new Set<string>();
  const failures: string[] = [];
  const resolved = new Map<ClusterNode, ResolvedDockerTarget>();
  for (const node of await clusterNodes(cluster)) {
    try {
      const container = await resolveDockerTarget({ target: { container: node.container } });
      resolved.set(node, container);
      const action = await runContainerAgain(container.id);
      if (action) actions.add(action);
    } catch (err) {
      failures.push(`${node.container}: ${(err as Error).message}`);
    }
  }
  for (const [node, container] of resolved) {
    try {
      if ((await clearNetworkFault(container)).action !== 'none') actions.add('network-clear');
    } catch (err) {
      failures.push(`${node.container}: ${(err as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`restore of ${cluster} incomplete: ${failures.join('; ')}`);
  return actions;
}

/** restoreReplicationSettings, retried while no node answers yet (the one started may be coming up). */
async function putReplicationSettingsBack(nodes: ClusterNode[]): ReturnType<typeof restoreReplicationSettings> {
  const deadline = Date.now() + STUCK_REJOIN_MS;
  for (;;) {
    try {
      return await restoreReplicationSettings(nodes);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Puts the old leader back (start it, heal its partition: on every node of the cluster, so a restore
 * that lost track of which one still does the right thing), then waits until the cluster is whole:
 * one running leader and every member a running replica on its timeline.
 */
export async function restorePatroniFault(
  fault: PatroniFault,
  timeoutMs = 180_000,
): Promise<{
  restoreRequestedAt: string;
  action: string;
  targetRunningAt: string;
  cluster: { leader: string | null; members: string; rejoinedAt: string | null };
  /** The containers of the cluster's nodes (the leases to release). */
  nodeContainerIds: string[];
}> {
  const restoreRequestedAt = new Date().toISOString();
  const actions = await putNodesBack(fault.cluster);
  const targetRunningAt = new Date().toISOString();
  const fresh = await clusterNodes(fault.cluster);
  const settings = await putReplicationSettingsBack(fresh);
  if (settings.action) actions.add(settings.action);
  let view: PatroniCluster | undefined;
  const synchronous = synchronousModeOn(settings.config);
  const whole = async () => {
    view = await patroniCluster(fresh);
    return clusterHealthy(view, fresh.length) && (!synchronous || view!.members.some((m) => m.role === 'sync_standby'));
  };
  try {
    await waitFor(`${fault.cluster} to be whole again`, whole, STUCK_REJOIN_MS);
  } catch {
    // A node that never rejoins is most often Patroni stuck in pg_rewind (patroni/patroni#3720: no
    // timeout, no retry). Restarting that node's container is what an operator would do; it is
    // recorded in the restore's action, never hidden.
    for (const node of fresh) {
      const member = view?.members.find((m) => m.name === node.member);
      if (member && (member.role === 'leader' || (member.state === 'running' && typeof member.lag === 'number')))
        continue;
      await docker.getContainer(node.containerId).restart({ t: 5 });
      actions.add(`restart-stuck-${node.member}`);
    }
    await waitFor(
      `${fault.cluster} to be whole again (one leader, every other member a streaming replica)`,
      whole,
      Math.max(timeoutMs - STUCK_REJOIN_MS, 30_000),
    );
  }
  const leader = leadersOf(view)[0]?.name ?? null;
  logger.info({ cluster: fault.cluster, leader, actions: [...actions] }, 'patroni fault restored');
  return {
    restoreRequestedAt,
    action: [...actions].join('+') || 'none',
    targetRunningAt,
    cluster: {
      leader,
      members: membersText(view),
      rejoinedAt: new Date().toISOString(),
    },
    nodeContainerIds: fresh.map((n) => n.containerId),
  };
}
