/** RDS faults: an Aurora cluster failed over or an instance rebooted; nothing is left to restore. */
import type { RdsFault } from '../../../shared/experiment-schema';
import type { FaultKindModule } from '../fault-kind';
import { injectRdsFault, resolveRdsTarget, waitRdsAvailable } from '../rds-fault';

export const rdsKind = {
  resolve: resolveRdsTarget,
  inject: async (fault) => await injectRdsFault(fault),
  restore: async (fault) => ({ restored: await waitRdsAvailable(fault), leasedContainers: [] }),
  needsDocker: false,
  // The cluster promotes a reader (or restarts the instance) by itself: the probe waits for it to serve.
  healsByItself: () => true,
  actionSeconds: () => 0,
} satisfies FaultKindModule<RdsFault>;
