/**
 * The nodes of a Patroni cluster as Docker sees them: every container labelled with the cluster's
 * scope (`faultline.patroni.scope`), its member name (`faultline.patroni.member`) and the host port
 * its REST API (8008) is published on, 127.0.0.1 only. Which node leads is never read from here:
 * it is asked of Patroni (see patroni-rest.ts).
 */
import { docker } from '../docker';

export const PATRONI_SCOPE_LABEL = 'faultline.patroni.scope';
export const PATRONI_MEMBER_LABEL = 'faultline.patroni.member';

export interface ClusterNode {
  member: string;
  containerId: string;
  container: string;
  running: boolean;
  /** http://127.0.0.1:PORT, or null when the REST port is not published on loopback. */
  restUrl: string | null;
}

export async function clusterNodes(scope: string): Promise<ClusterNode[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${PATRONI_SCOPE_LABEL}=${scope}`] } });
  const nodes: ClusterNode[] = [];
  for (const summary of found) {
    const info = await docker.getContainer(summary.Id).inspect();
    // The configured binding, which a stopped container keeps (its live port map is empty then).
    const binding = info.HostConfig.PortBindings?.['8008/tcp']?.[0];
    const loopback = binding && (binding.HostIp === '127.0.0.1' || binding.HostIp === 'localhost');
    nodes.push({
      member: info.Config.Labels?.[PATRONI_MEMBER_LABEL] ?? info.Config.Hostname,
      containerId: info.Id,
      container: info.Name.replace(/^\//, ''),
      running: info.State.Running && !info.State.Paused,
      restUrl: loopback && binding.HostPort ? `http://127.0.0.1:${binding.HostPort}` : null,
    });
  }
  return nodes.sort((a, b) => a.member.localeCompare(b.member));
}
