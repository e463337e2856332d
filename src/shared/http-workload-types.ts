/** What the HTTP workload reports of its load beside its requests' figures. Pure types. */

/** What the load did beside its requests' outcomes (checkpointed, so a resumed load goes on counting). */
export interface HttpLoadFigures {
  target: string;
  /** The base URL without user or password. */
  display: string;
  loop: 'open' | 'closed';
  ratePerSecond?: number;
  workers?: number;
  maxInFlight: number;
  sent: number;
  /** Due requests that found every slot taken and waited for one. */
  waitedForSlot: number;
  /** Times the cap on requests in flight was reached. */
  capReached: number;
  /** Requests still waiting for a slot when their timeout had passed: timeout failures, never sent. */
  neverSent: number;
  /** Requests due when the load stopped that were still waiting for a slot: not measured. */
  unsentAtStop?: number;
  /**
   * How late the worker's own event loop ran while it measured (ms, by a timer's lateness): the
   * client's share of every latency, which the service did not cause. Of the last attempt.
   */
  clientDelayMs?: { p50: number; p99: number; max: number };
}
