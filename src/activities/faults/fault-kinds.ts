/**
 * The fault kinds, one line each: a kind in the schema's `faultSchema` without its module here (or
 * the reverse) does not compile. Every dispatch over kinds goes through `kindOf`.
 */
import type { Fault } from '../../shared/experiment-schema';
import type { FaultKind, FaultKindModule, FaultOf } from './fault-kind';
import { dockerKind } from './kinds/docker';
import { networkKind } from './kinds/network';
import { patroniKind } from './kinds/patroni';
import { rdsKind } from './kinds/rds';

export const FAULT_KINDS = {
  docker: dockerKind,
  network: networkKind,
  patroni: patroniKind,
  rds: rdsKind,
} satisfies { [K in FaultKind]: FaultKindModule<FaultOf<K>> };

/** The module of the fault's kind (TypeScript does not follow the kind from the fault to the table by itself). */
export const kindOf = <F extends Fault>(fault: F): FaultKindModule<F> =>
  FAULT_KINDS[fault.kind as FaultKind] as unknown as FaultKindModule<F>;

/** The kinds whose faults touch a container, and so carry a lease (see fault-lease.ts). */
export type LeasedKind = {
  [K in FaultKind]: (typeof FAULT_KINDS)[K] extends { lease: object } ? K : never;
}[FaultKind];
