/**
 * The lab's Patroni cluster: ready when one leader runs, every replica streams (a synchronous
 * standby among them: the lab replicates synchronously), and both endpoints answer. Replication
 * settings a lose-writes drill left behind (its restore never ran) are put back first.
 */
import { databaseAnswers } from '../platform/database/database-answers';
import { clusterNodes } from '../platform/patroni/cluster-nodes';
import { restoreReplicationSettings } from '../platform/patroni/patroni-config';
import { clusterHealthy, leadersOf, membersText, patroniCluster } from '../platform/patroni/patroni-rest';
import { labSettings } from '../platform/settings';
import { waitUntil } from './wait-until';

export interface ClusterState {
  healthy: boolean;
  leader: string | null;
  members: string;
}

export async function clusterState(): Promise<ClusterState> {
  const nodes = await clusterNodes(labSettings().clusterScope);
  const cluster = await patroniCluster(nodes);
  const leader = leadersOf(cluster)[0]?.name ?? null;
  const synchronous = cluster?.members.some((m) => m.role === 'sync_standby') ?? false;
  return {
    healthy: nodes.length > 0 && clusterHealthy(cluster, nodes.length) && synchronous,
    leader,
    members: cluster ? membersText(cluster) : `${nodes.length} nodes, no REST API answers`,
  };
}

export async function waitClusterReady(): Promise<string> {
  const settings = labSettings();
  const nodes = await clusterNodes(settings.clusterScope);
  let putBack: string | null | undefined = null;
  await waitUntil(
    `Patroni's configuration of ${settings.clusterScope} (no drill's replication settings left in it)`,
    async () => {
      putBack = await restoreReplicationSettings(nodes).then(
        (r) => r.action,
        () => undefined, // no node answers yet
      );
      return putBack !== undefined;
    },
    { timeoutMs: 180_000, hint: 'see `docker logs faultline-node1` and `docker logs faultline-node2`' },
  );
  await waitUntil(
    `Patroni cluster ${settings.clusterScope} (a leader, replicas streaming, one of them synchronous)`,
    async () => (await clusterState()).healthy,
    {
      timeoutMs: 180_000,
      hint: 'see `docker logs faultline-node1` and `docker logs faultline-node2`',
    },
  );
  await waitUntil('cluster writer endpoint on 127.0.0.1 (cluster)', () => databaseAnswers('cluster', 2000, 'setup'), {
    timeoutMs: 30_000,
  });
  await waitUntil(
    'PgBouncer before the cluster on 127.0.0.1 (cluster-proxy)',
    () => databaseAnswers('cluster-proxy', 2000, 'setup'),
    {
      timeoutMs: 30_000,
      hint: `see \`docker logs ${settings.clusterProxyContainer}\``,
    },
  );
  const state = await clusterState();
  const drill = putBack ? "; a drill's replication settings put back" : '';
  return `leader ${state.leader} (${state.members})${drill}`;
}
