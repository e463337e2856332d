/** Docker faults: one action on one opted-in container (docker-actions.ts has each action). */
import type { DockerFault } from '../../../shared/experiment-schema';
import { DOCKER_ACTIONS } from '../docker-actions';
import { injectDockerFault, resolveDockerTarget, restoreDockerFault } from '../docker-fault';
import type { FaultKindModule } from '../fault-kind';

export const dockerKind = {
  resolve: resolveDockerTarget,
  inject: async (fault, { beforeAction }) => await injectDockerFault(fault, beforeAction),
  restore: async (fault, { target }) => {
    const resolved = target?.kind === 'docker' ? target : await resolveDockerTarget(fault);
    return { restored: await restoreDockerFault(fault, resolved), leasedContainers: [resolved.id] };
  },
  needsDocker: true,
  healsByItself: (fault) => DOCKER_ACTIONS[fault.action].healsByItself,
  actionSeconds: (fault) => fault.gracePeriodSeconds,
  lease: { restore: restoreDockerFault },
} satisfies FaultKindModule<DockerFault>;
