/**
 * The lab cluster's replication as Patroni itself states it, asked with plain HTTP (never through
 * faultline's Patroni client): the dynamic configuration (`GET /config`) and the members
 * (`GET /cluster`).
 */
import { clusterNodes } from '../../../src/platform/patroni/cluster-nodes';
import { labSettings } from '../../../src/platform/settings';

export interface ClusterReplication {
  synchronousMode: boolean;
  maximumLag: number | null;
  /** A drill's saved settings are still in the configuration (its restore did not run). */
  saved: boolean;
  /** The member Patroni names the synchronous standby, if any. */
  syncStandby: string | null;
  text: string;
}

async function firstJson(path: string): Promise<Record<string, unknown>> {
  const errors: string[] = [];
  for (const node of await clusterNodes(labSettings().clusterScope)) {
    if (!node.running || !node.restUrl) continue;
    try {
      const response = await fetch(`${node.restUrl}${path}`, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return (await response.json()) as Record<string, unknown>;
      errors.push(`${node.member}: HTTP ${response.status}`);
    } catch (err) {
      errors.push(`${node.member}: ${(err as Error).message}`);
    }
  }
  throw new Error(`no node of the lab cluster answered ${path}: ${errors.join('; ')}`);
}

export async function clusterReplicationNow(): Promise<ClusterReplication> {
  const config = await firstJson('/config');
  const cluster = (await firstJson('/cluster')) as { members?: Array<{ name: string; role: string }> };
  const sync = cluster.members?.find((m) => m.role === 'sync_standby')?.name ?? null;
  const lag = config.maximum_lag_on_failover;
  return {
    synchronousMode: config.synchronous_mode === true,
    maximumLag: typeof lag === 'number' ? lag : null,
    saved: config.faultline_saved_replication != null,
    syncStandby: sync,
    text: `config ${JSON.stringify(config)}; members ${JSON.stringify(cluster.members)}`,
  };
}
