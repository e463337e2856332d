/** The lab's Patroni cluster: ready when one leader runs, every replica streams, and both endpoints answer. */
import { databaseAnswers } from '../platform/database/database-answers';
import { clusterNodes } from '../platform/patroni/cluster-nodes';
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
  return {
    healthy: nodes.length > 0 && clusterHealthy(cluster, nodes.length),
    leader,
    members: cluster ? membersText(cluster) : `${nodes.length} nodes, no REST API answers`,
  };
}

export async function waitClusterReady(): Promise<string> {
  const settings = labSettings();
  await waitUntil(
    `Patroni cluster ${settings.clusterScope} (a leader, replicas streaming)`,
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
  return `leader ${state.leader} (${state.members})`;
}
