/**
 * The dead man's switch, part 1: a lease. Before a fault touches a container (a Docker action, a
 * network fault, a Patroni leader killed or partitioned), a lease is recorded
 * in the Docker engine that runs the target (a labelled volume, so it lives as long as the engine
 * does, outside Temporal and outside any worker): which container, what was done to it, which
 * workflow owns it and when the fault must be over. The workflow's restore releases it; if the
 * restore never comes (workflow terminated, history gone, Temporal lost), a watchdog in every
 * faultline worker restores the target (see lease-watchdog.ts).
 */
import { createHash } from 'node:crypto';
import { docker } from '../../platform/docker';
import { isLeasedFault, type LeasedFault } from './leased-fault';
import type { ResolvedDockerTarget } from '../../shared/fault-types';

/** Label that marks a volume as a fault lease. */
export const LEASE_LABEL = 'faultline.lease';
const RECORD_LABEL = 'faultline.lease.record';

export interface FaultLease {
  /** The lease's volume. */
  name: string;
  workflowId: string;
  runId: string;
  namespace: string;
  fault: LeasedFault;
  target: ResolvedDockerTarget;
  injectedAt: string;
  /** The fault must be over by then, whatever happens to the workflow. */
  expiresAt: string;
}

export const leaseName = (workflowId: string, runId: string, containerId: string): string =>
  `faultline-lease-${createHash('sha256').update(`${workflowId}/${runId}/${containerId}`).digest('hex').slice(0, 20)}`;

/** Records the lease (idempotent: a retried injection finds its lease there). */
export async function recordLease(lease: Omit<FaultLease, 'name'>): Promise<FaultLease> {
  const name = leaseName(lease.workflowId, lease.runId, lease.target.id);
  const record: FaultLease = { name, ...lease };
  await docker.createVolume({ Name: name, Labels: { [LEASE_LABEL]: 'true', [RECORD_LABEL]: JSON.stringify(record) } });
  return record;
}

/** Removes the lease; true if there was one. */
export async function releaseLease(name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).remove();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Every lease in the engine (unreadable ones are skipped: they are not ours to act on). */
export async function listLeases(): Promise<FaultLease[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${LEASE_LABEL}=true`] } });
  const leases: FaultLease[] = [];
  for (const volume of Volumes ?? []) {
    try {
      const record = JSON.parse(volume.Labels?.[RECORD_LABEL] ?? '') as FaultLease;
      if (record.name === volume.Name && record.target?.id && isLeasedFault(record.fault)) leases.push(record);
    } catch {
      // not a record faultline wrote
    }
  }
  return leases;
}

/** What the owning workflow looks like from here. */
export type OwnerState = 'running' | 'closed' | 'not-found' | 'unknown';

/**
 * Pure: restore now, or leave it to the workflow. A lease whose workflow is known to be over
 * (terminated, or its history gone) is restored at once; otherwise at its deadline, whatever
 * Temporal says or whether it answers at all.
 */
export function leaseDecision(
  lease: Pick<FaultLease, 'expiresAt'>,
  now: number,
  owner: OwnerState,
): { restore: boolean; reason: string } {
  const expired = now >= Date.parse(lease.expiresAt);
  if (expired) return { restore: true, reason: `the lease expired at ${lease.expiresAt}` };
  if (owner === 'closed')
    return { restore: true, reason: 'its workflow is closed (terminated, or ended without restoring)' };
  if (owner === 'not-found') return { restore: true, reason: 'its workflow no longer exists (history gone)' };
  return {
    restore: false,
    reason:
      owner === 'running'
        ? 'its workflow runs and will restore it'
        : `the workflow cannot be checked; waiting for the deadline ${lease.expiresAt}`,
  };
}
