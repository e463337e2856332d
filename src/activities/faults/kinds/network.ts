/** Network faults: latency, loss or a blackhole in an opted-in container's network namespace. */
import type { NetworkFault } from '../../../shared/experiment-schema';
import { resolveDockerTarget } from '../docker-fault';
import type { FaultKindModule } from '../fault-kind';
import { clearNetworkFault } from '../network-fault';
import { injectNetworkFault, restoreNetworkFault } from '../network-fault-steps';

export const networkKind = {
  resolve: resolveDockerTarget,
  inject: async (fault, { beforeAction }) =>
    await injectNetworkFault(fault, await resolveDockerTarget(fault), beforeAction),
  restore: async (fault, { target, tcpAtInject }) => {
    const resolved = target?.kind === 'docker' ? target : await resolveDockerTarget(fault);
    const restoreRequestedAt = new Date().toISOString();
    const restored = await restoreNetworkFault(resolved, restoreRequestedAt, tcpAtInject);
    return { restored, leasedContainers: [resolved.id] };
  },
  needsDocker: true,
  healsByItself: () => false,
  actionSeconds: () => 0,
  lease: { restore: async (_fault, target) => await clearNetworkFault(target) },
} satisfies FaultKindModule<NetworkFault>;
