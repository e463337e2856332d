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
}
