/**
 * What every fault kind is to the fault activities, one module each (kinds/<kind>.ts), registered
 * in fault-kinds.ts: how its target is resolved and what that locks, its inject and restore,
 * whether it heals by itself, and, when it touches a container, its lease's restore.
 */
import type { Fault, FaultKind } from '../../shared/experiment-schema';
import type {
  InjectionRecord,
  ResolvedDockerTarget,
  ResolvedTarget,
  RestoreRecord,
  TcpReading,
  TouchedThing,
} from '../../shared/fault-types';
import type { PatroniActed } from './patroni-fault';

export type { FaultKind };
export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;
export type Injected = Omit<InjectionRecord, 'paths'>;
export type Restored = Omit<RestoreRecord, 'servingAgainAt' | 'paths'>;

/**
 * Heartbeated right after the action (heartbeat-marker.ts): a retried inject finds it and does not
 * act twice. `patroniActed` is marked before the election wait, `dockerInjected` once the inject's
 * own part is done (a Patroni fault's included).
 */
export interface InjectMarker {
  dockerInjected: Injected;
  patroniActed: PatroniActed;
}

export interface InjectContext {
  /** Runs right before a container is touched: records the lease of the dead man's switch. */
  beforeAction: (container: ResolvedDockerTarget) => Promise<void>;
  /**
   * Told right after the action, by a kind whose inject goes on waiting after it (a Patroni fault's
   * election): the ground-truth probe times its attempts from then. Otherwise from the inject's end.
   */
  acted: () => void;
  /** The experiment's paths. */
  paths: string[];
  /** What a first attempt of this inject marked (a retry resumes from there). */
  resume: Partial<InjectMarker>;
}

export interface RestoreContext {
  /** The target as the resolve found it, when the workflow has it. */
  target?: ResolvedTarget;
  /** Network faults: the inject's reading of the target's TCP counters. */
  tcpAtInject?: TcpReading;
}

export interface FaultKindModule<F extends Fault> {
  /**
   * Finds and checks the target without touching it (refusing what is not opted in), with its lock
   * set: every thing the fault may touch (shared/touched-things.ts), one lock each.
   */
  resolve(fault: F): Promise<ResolvedTarget & { touches: TouchedThing[] }>;
  inject(fault: F, context: InjectContext): Promise<Injected>;
  /** Puts the target back (idempotent); the containers whose leases the restore ends. */
  restore(fault: F, context: RestoreContext): Promise<{ restored: Restored; leasedContainers: string[] }>;
  /**
   * It acts through the Docker engine (a container, its network namespace, a Patroni node): a
   * worker without one (no socket mounted, an RDS-only team's) refuses it at the resolve, before
   * anything is touched.
   */
  needsDocker: boolean;
  /** The target serves again by itself: the inject waits for that, and the lease covers it. */
  healsByItself(fault: F): boolean;
  /** Seconds the action itself may take on top of the probe's waits (a stop's grace period). */
  actionSeconds(fault: F): number;
  /**
   * A kind that touches containers: what the watchdog runs when the lease is not released. A kind
   * without one (RDS: a failover leaves nothing to restore, and RDS reports what it did) has an
   * inject that is the action alone, with no lease, heartbeat marker or probe.
   */
  lease?: { restore(fault: F, target: ResolvedDockerTarget): Promise<{ action: string }> };
}
