/** Patroni faults: a switchover, failover, or the leader killed or partitioned; Patroni elects another. */
import type { PatroniFault } from '../../../shared/experiment-schema';
import type { FaultKindModule } from '../fault-kind';
import { markInjected } from '../heartbeat-marker';
import { injectPatroniFault, resolvePatroniTarget } from '../patroni-fault';
import { restorePatroniFault } from '../patroni-restore';

export const patroniKind = {
  resolve: resolvePatroniTarget,
  inject: async (fault, { beforeAction, acted, paths, resume }) =>
    await injectPatroniFault(fault, {
      beforeAction,
      paths,
      // Marked before the election wait: a retry resumes waiting, and never faults the new leader.
      onActed: (patroniActed) => {
        markInjected({ patroniActed });
        acted();
      },
      ...(resume.patroniActed ? { resume: resume.patroniActed } : {}),
    }),
  restore: async (fault) => {
    const { nodeContainerIds, ...restored } = await restorePatroniFault(fault);
    return { restored, leasedContainers: nodeContainerIds };
  },
  needsDocker: true,
  healsByItself: () => true,
  actionSeconds: () => 0,
  lease: { restore: async (fault) => await restorePatroniFault(fault) },
} satisfies FaultKindModule<PatroniFault>;
