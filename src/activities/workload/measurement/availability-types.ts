/** The availability detector's options, windows, snapshot and live state (see availability-detector.ts). */

export interface AvailabilityOptions {
  stallThresholdMs: number;
  /** How long a success is remembered for windows opened late (longer than any operation can last). */
  horizonMs?: number;
  maxWindows?: number;
}

export interface AvailabilityWindow {
  /** ms since the epoch */
  start: number;
  /** null while the path is still unavailable */
  end: number | null;
  /** Operations that failed in the window. */
  failures: number;
  /** Operations that stalled (outstanding longer than the threshold) in the window. */
  stalls: number;
  /**
   * The window was closed by an operation that had itself been held (stalled, then served): no
   * operation that started later completed first. With every worker waiting on held operations,
   * nothing probed whether new work would have been served sooner.
   */
  closedByHeld?: boolean;
}

/** What the detector holds that must survive a restart of the measurement (see `snapshot`). */
export interface AvailabilitySnapshot {
  windows: AvailabilityWindow[];
  /** Windows dropped from the front when there were more than maxWindows: their count and time. */
  folded: { count: number; totalMs: number };
}

export interface LiveAvailability {
  down: boolean;
  /** Since when, when down. */
  downSince: number | null;
  /** In-flight operations outstanding longer than the threshold, and the age of the oldest. */
  stalled: number;
  oldestInFlightMs: number;
}
