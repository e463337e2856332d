/** Patroni faults: a switchover, failover, the leader killed or partitioned, or a drill that loses writes; Patroni elects another. */
import type { PatroniFault } from '../../../shared/experiment-schema';
import { DEFAULT_HOLD_SECONDS } from '../../../shared/patroni-fault-schema';
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
  // lose-writes: the switch to asynchronous replication (at most 30 s) and the hold, before the kill.
  actionSeconds: (fault) => (fault.action === 'lose-writes' ? 30 + (fault.holdSeconds ?? DEFAULT_HOLD_SECONDS) : 0),
  lease: { restore: async (fault) => await restorePatroniFault(fault) },
} satisfies FaultKindModule<PatroniFault>;
