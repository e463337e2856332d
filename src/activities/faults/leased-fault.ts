/**
 * The faults that act on a container and so carry a lease (see fault-lease.ts): Docker actions,
 * network faults, and the Patroni faults that kill or partition the leader's container. One
 * restore for each, used by the workflow's restore and by the dead man's switch's watchdog alike.
 */
import type { DockerFault, NetworkFault, PatroniFault } from '../../shared/experiment-schema';
import type { ResolvedDockerTarget } from '../../shared/fault-types';
import { restoreDockerFault } from './docker-fault';
import { clearNetworkFault } from './network-fault';
import { restorePatroniFault } from './patroni-restore';

export type LeasedFault = DockerFault | NetworkFault | PatroniFault;

export function isLeasedFault(fault: { kind?: unknown } | undefined): fault is LeasedFault {
  return fault?.kind === 'docker' || fault?.kind === 'network' || fault?.kind === 'patroni';
}

/** Puts the container (and, for a Patroni fault, the cluster) back; idempotent. */
export async function restoreLeasedFault(
  fault: LeasedFault,
  target: ResolvedDockerTarget,
): Promise<{ action: string }> {
  if (fault.kind === 'docker') return await restoreDockerFault(fault, target);
  if (fault.kind === 'network') return await clearNetworkFault(target);
  return await restorePatroniFault(fault);
}
