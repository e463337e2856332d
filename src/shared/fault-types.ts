/** What a fault is done to and what was seen of it: targets, injections, restores. Pure types. */

/**
 * A physical thing a fault may touch, whatever the fault's kind: a container by its name (which a
 * recreated container keeps, unlike its id), a Patroni cluster by its scope, an RDS cluster by its
 * id. Two experiments never fault one thing at once: each takes a lock on every thing it touches
 * (workflows/target-lock.ts).
 */
export interface TouchedThing {
  kind: 'container' | 'patroni' | 'rds';
  name: string;
}

/** Targets resolved before faultline locked every thing a fault touches lack `touches`. */
interface Touching {
  /** Everything the fault may touch (see touched-things.ts); absent in older histories. */
  touches?: TouchedThing[];
}

/** A target as resolved now: with every thing its fault may touch (its lock set). */
export type Locked<T extends Touching> = T & { touches: TouchedThing[] };

export interface ResolvedDockerTarget extends Touching {
  kind: 'docker';
  id: string;
  name: string;
  /** Networks and their aliases (compose's service name), to reconnect exactly as it was. */
  networks: Array<{ name: string; aliases: string[] }>;
}

export interface ResolvedRdsTarget extends Touching {
  kind: 'rds';
  name: string;
  cluster: string;
  arn: string;
  writer: string;
  members: string[];
}

export interface RdsObservation {
  at: string;
  source: 'faultline' | 'rds';
  message: string;
}

export interface RdsInjection {
  oldWriter: string;
  newWriter: string;
  writerChanged: boolean;
  writerChangedAt: string | null;
  availableAt: string;
  events: RdsObservation[];
}

/** A Patroni cluster, by its scope; the leader as Patroni named it when the target was resolved. */
export interface ResolvedPatroniTarget extends Touching {
  kind: 'patroni';
  name: string;
  scope: string;
  leader: string;
  members: string[];
}

export interface PatroniObservation {
  at: string;
  source: 'faultline' | 'patroni';
  message: string;
}

/** What a Patroni fault did to the cluster, from its REST API (`/cluster`, `/history`). */
export interface PatroniInjection {
  action: string;
  oldLeader: string;
  newLeader: string | null;
  /**
   * When the old leader was lost: from faultline's call (the kill, the partition, or asking Patroni
   * for a switchover or failover) to its return; the old leader stopped leading inside that span.
   * Absent in older histories.
   */
  leaderLost?: { at: string; until: string; how: string };
  /** When faultline first saw another member lead and run (polling /cluster every 100 ms). */
  leaderChangedAt: string | null;
  /** When Patroni recorded the promotion (the new timeline's entry in /history). */
  promotedAt: string | null;
  timelineBefore: number | null;
  timelineAfter: number | null;
  /**
   * The experiment's paths whose server is a member of this cluster (the same database system
   * identifier as Patroni's); the others the fault does not reach. Absent in older histories.
   */
  reachedPaths?: string[];
  /** The container killed or partitioned (the old leader's), for the unplanned actions. */
  faultedContainer?: string;
  events: PatroniObservation[];
}

export type ResolvedTarget = ResolvedDockerTarget | ResolvedRdsTarget | ResolvedPatroniTarget;

export interface InjectionRecord {
  target: ResolvedTarget;
  injectRequestedAt: string;
  /**
   * When the target was seen down: the start of the first probe attempt (fresh connection, every
   * 20 ms, on every path) that failed or stalled (a failover: when the writer changed). null when no
   * path was seen down within the stall threshold + 5 s after the action.
   */
  targetDownAt: string | null;
  /** A fault that heals by itself (restart): when every path served again, seen by the same probe. */
  servingAgainAt?: string;
  /** The same, path by path (a proxy can come back later than the database behind it). */
  paths?: Record<string, PathGroundTruth>;
  rds?: RdsInjection;
  patroni?: PatroniInjection;
  /**
   * The experiment was cancelled or failed while the inject ran: what it did is unknown to the
   * workflow (it was restored all the same); the time is when the inject was asked for.
   */
  interrupted?: true;
  /** Network faults: the target's TCP counters just before the fault was applied. */
  tcp?: TcpReading;
}

/**
 * A network namespace's TCP counters, as Linux keeps them (/proc/net/snmp `Tcp:`, /proc/net/netstat
 * `TcpExt:`), read by a sidecar in the target's namespace: what the target itself sent, received
 * and sent again, not its clients.
 */
export interface TcpCounters {
  /** Segments received (InSegs), sent (OutSegs, which Linux counts without retransmissions), retransmitted (RetransSegs). */
  inSegs: number;
  outSegs: number;
  retransSegs: number;
  /** Retransmission timeouts (TCPTimeouts); absent when the kernel does not count them. */
  timeouts?: number;
  /** Tail loss probes sent (TCPLossProbes), SYN and SYN-ACK retransmissions (TCPSynRetrans). */
  lossProbes?: number;
  synRetrans?: number;
}

/** One reading of the target's TCP counters, or why there is none. */
export type TcpReading = { at: string; counters: TcpCounters } | { at: string; notRead: string };

/** What the target's TCP did during the fault: the counters from just before the inject to just before the restore. */
export type TcpDuringFault = { from: string; to: string; counters: TcpCounters } | { notRead: string };

export interface PathGroundTruth {
  downAt: string | null;
  servingAgainAt: string | null;
  /** The probe's windows added up (a window open when it stopped counts to then); absent in older histories. */
  downMs?: number;
  /**
   * Down when the probe stopped: since when (the window then open), and the earlier windows added
   * up (a blip before the outage reached the path). Absent when it was up, and in older histories.
   */
  downSince?: string | null;
  downBeforeMs?: number;
  /** How long the probe's logins and its query took meanwhile (absent in older histories). */
  timings?: ProbeTimingSummary;
  /**
   * The first fresh connection, started after the fault's action, that reached another server than
   * the path reached before it (`inet_server_addr()`: a new writer behind the same endpoint); when
   * it completed. Absent when none did while the probe watched, and in older histories.
   */
  routed?: { from: string; to: string; at: string };
}

/** The ground-truth probe's fresh logins and queries on one path, while it watched. */
export interface ProbeTimingSummary {
  /** Logins tried, and how many failed (refused, reset, or a round trip unanswered past the timeout). */
  logins: number;
  loginFailures: number;
  /** How long a successful login took (TCP handshake to ready: several round trips). */
  loginP50Ms: number | null;
  loginMaxMs: number | null;
  /** The query after a login: one round trip. */
  queryFailures: number;
  queryP50Ms: number | null;
  queryP95Ms: number | null;
}

export interface RestoreRecord {
  restoreRequestedAt: string;
  /** What the restore did: start, unpause, network-connect, network-clear, wait-available, or none. */
  action: string;
  /** Patroni faults: the cluster once the old leader is back (it must rejoin as a replica). */
  cluster?: { leader: string | null; members: string; rejoinedAt: string | null };
  targetRunningAt: string;
  /** When every path answered a query again (the tight probe: fresh connections every 20 ms). */
  servingAgainAt: string;
  /** When each path answered again. */
  paths?: Record<string, PathGroundTruth>;
  /** Network faults: what the target's TCP did while the fault was on (absent in older histories). */
  tcpDuringFault?: TcpDuringFault;
}
