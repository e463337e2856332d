/**
 * What the workflow and the connection budget need to know of each fault kind, in one table, pure
 * (the activities' side of a kind is its module in activities/faults/kinds/). A kind added to the
 * schema and missing here does not compile.
 */
import type { Fault, FaultKind } from './experiment-schema';

type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

interface FaultKindFacts<F extends Fault> {
  /** Seconds the inject itself may wait beyond the fault window (a Patroni election, then the promotion). */
  injectWaitSeconds(fault: F): number;
  /** Connections the inject's and restore's own checks open on each path, beside the probe's logins. */
  checkLogins: { count: number; what: string } | null;
}

const FACTS: { [K in FaultKind]: FaultKindFacts<FaultOf<K>> } = {
  docker: { injectWaitSeconds: () => 0, checkLogins: null },
  network: { injectWaitSeconds: () => 0, checkLogins: null },
  patroni: {
    injectWaitSeconds: (fault) => 2 * fault.electionTimeoutSeconds,
    checkLogins: { count: 1, what: "the cluster check's 1" },
  },
  rds: { injectWaitSeconds: () => 0, checkLogins: null },
};

const factsOf = <F extends Fault>(fault: F) => FACTS[fault.kind] as unknown as FaultKindFacts<F>;

export const injectWaitSeconds = (fault: Fault): number => factsOf(fault).injectWaitSeconds(fault);

export const checkLogins = (fault: Fault): { count: number; what: string } | null => factsOf(fault).checkLogins;
