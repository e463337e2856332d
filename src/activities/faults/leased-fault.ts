/**
 * The faults that act on a container and so carry a lease (see fault-lease.ts): those of the kinds
 * whose module has a `lease` (fault-kinds.ts). One restore for each, used by the workflow's restore
 * and by the dead man's switch's watchdog alike.
 */
import type { ResolvedDockerTarget } from '../../shared/fault-types';
import type { FaultOf } from './fault-kind';
import { FAULT_KINDS, kindOf, type LeasedKind } from './fault-kinds';

export type LeasedFault = FaultOf<LeasedKind>;

export function isLeasedFault(fault: { kind?: unknown } | undefined): fault is LeasedFault {
  const kind = fault?.kind;
  return typeof kind === 'string' && Object.hasOwn(FAULT_KINDS, kind) && 'lease' in FAULT_KINDS[kind as LeasedKind];
}

/** Puts the container (and, for a Patroni fault, the cluster) back; idempotent. */
export async function restoreLeasedFault(
  fault: LeasedFault,
  target: ResolvedDockerTarget,
): Promise<{ action: string }> {
  const lease = kindOf(fault).lease;
  if (!lease) throw new Error(`a ${fault.kind} fault carries no lease`);
  return await lease.restore(fault, target);
}
