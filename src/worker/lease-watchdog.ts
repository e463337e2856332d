/**
 * The dead man's switch, part 2: the watchdog. Every faultline worker sweeps the fault leases at
 * start-up and then every few seconds (FAULTLINE_WATCHDOG_INTERVAL_MS, default 5000). A lease
 * whose deadline passed, or whose workflow is known to be over (terminated, history deleted), has
 * its target restored exactly as the workflow would have (idempotent), then is released. While
 * Temporal cannot be asked, only the deadline counts, so losing the Temporal server does not leave
 * a fault on forever; it only needs one faultline worker alive on the same Docker engine.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { configuredTemporal } from '../platform/temporal-target';
import { logger } from '../platform/logger';
import { sharedClient } from '../platform/temporal-client';
import { resolveDockerTarget } from '../activities/faults/docker-fault';
import { restoreLeasedFault } from '../activities/faults/leased-fault';
import {
  leaseDecision,
  listLeases,
  releaseLease,
  type FaultLease,
  type OwnerState,
} from '../activities/faults/fault-lease';

export interface SweepEntry {
  lease: string;
  target: string;
  workflowId: string;
  expiresAt: string;
  owner: OwnerState;
  restore: boolean;
  reason: string;
  /** What the restore did (start, unpause, network-connect, none), or why it could not. */
  outcome?: string;
}

const log = logger.child({ component: 'watchdog' });
const DESCRIBE_TIMEOUT_MS = 3000;

async function ownerState(lease: FaultLease, client: Client | undefined, namespace: string): Promise<OwnerState> {
  if (!client || lease.namespace !== namespace) return 'unknown';
  const describe = client.workflow
    .getHandle(lease.workflowId, lease.runId)
    .describe()
    .then((d): OwnerState => (d.status.name === 'RUNNING' ? 'running' : 'closed'))
    .catch((err: unknown): OwnerState => (err instanceof WorkflowNotFoundError ? 'not-found' : 'unknown'));
  const timeout = new Promise<OwnerState>((resolve) =>
    setTimeout(() => resolve('unknown'), DESCRIBE_TIMEOUT_MS).unref(),
  );
  return Promise.race([describe, timeout]);
}

/**
 * One sweep over every lease. Without a client (or another namespace) only deadlines count.
 * With `act: false` it only says what it would do (`faultline leases`).
 */
export async function sweepLeases(
  options: { client?: Client; namespace?: string; now?: number; act?: boolean } = {},
): Promise<SweepEntry[]> {
  const namespace = options.namespace ?? configuredTemporal().namespace;
  const entries: SweepEntry[] = [];
  for (const lease of await listLeases()) {
    const owner = await ownerState(lease, options.client, namespace);
    const decision = leaseDecision(lease, options.now ?? Date.now(), owner);
    const entry: SweepEntry = {
      lease: lease.name,
      target: lease.target.name,
      workflowId: lease.workflowId,
      expiresAt: lease.expiresAt,
      owner,
      ...decision,
    };
    entries.push(entry);
    if (!decision.restore || options.act === false) continue;
    try {
      // The same guard as an injection: only the opted-in container the lease names is touched.
      const current = await resolveDockerTarget({ target: { container: lease.target.id } }).catch((err: Error) => err);
      if (current instanceof Error || current.id !== lease.target.id) {
        entry.outcome = `not restored: ${current instanceof Error ? current.message : `"${lease.target.name}" is now another container`}`;
        await releaseLease(lease.name);
        log.warn(
          { lease: lease.name, target: lease.target.name, workflowId: lease.workflowId },
          `dead man's switch: lease released, ${entry.outcome}`,
        );
        continue;
      }
      const restored = await restoreLeasedFault(lease.fault, lease.target);
      await releaseLease(lease.name);
      entry.outcome = restored.action;
      log.warn(
        {
          lease: lease.name,
          target: lease.target.name,
          workflowId: lease.workflowId,
          action: restored.action,
          reason: decision.reason,
        },
        "dead man's switch restored a fault",
      );
    } catch (err) {
      entry.outcome = `restore failed: ${(err as Error).message}`;
      log.error(
        { lease: lease.name, target: lease.target.name, err },
        "dead man's switch could not restore a fault; will retry",
      );
    }
  }
  return entries;
}

/** Sweeps at start-up and then every intervalMs, never two at once. */
export function startLeaseWatchdog(intervalMs = Number(process.env.FAULTLINE_WATCHDOG_INTERVAL_MS || 5000)): {
  stop(): Promise<void>;
} {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    const client = await sharedClient().catch(() => undefined);
    await sweepLeases({ client }).catch((err: unknown) =>
      log.error({ err }, "dead man's switch sweep failed (Docker unreachable?)"),
    );
  };
  const loop = () => {
    running = sweep().finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  loop();
  log.info({ intervalMs }, "dead man's switch watchdog started");
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
