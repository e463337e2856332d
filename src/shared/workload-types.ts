/** The workload's vocabulary and result shapes, shared by activities, workflows and reports. Pure. */
import type { WorkloadClient } from './workload-settings';
import type { HttpLoadFigures } from './http-workload-types';

export const OPERATION_TYPES = ['read', 'write', 'transaction'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** The ten operations of seed 001, by type. */
export const OPERATIONS = {
  read: ['active_users', 'order_stats_7d', 'product_search', 'user_orders', 'recent_logs'],
  write: ['update_login', 'create_order', 'adjust_stock', 'insert_log'],
  transaction: ['purchase'],
} as const satisfies Record<OperationType, readonly string[]>;

export type BusinessOperationName = (typeof OPERATIONS)[OperationType][number];
/** A business operation, or a custom one's name (`workload.custom`). */
export type OperationName = BusinessOperationName | (string & {});

export const ERROR_CLASSES = [
  'connection_refused',
  'connection_reset',
  'admin_shutdown',
  'read_only',
  'timeout',
  'http_status', // an HTTP answer neither served nor an expected refusal
  'malformed', // a served HTTP answer whose body is not the JSON it must be
  'other',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Latency in ms (an HDR histogram of successful operations); with none, every figure is null, never 0. */
export interface LatencySummary {
  count: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface OperationStats {
  attempts: number;
  successes: number;
  failures: number;
  refused?: number; // expected refusals (an HTTP 503 in an outage): not served, not failures; absent when none
  /** successes / attempts, 0..1; null when nothing was attempted (never 100% of nothing). */
  successRate: number | null;
  latencyMs: LatencySummary;
  /**
   * Successful operations that took the stall threshold or longer: slow ones (every round trip
   * answered in time) and held ones (`held`: a round trip unanswered for the threshold) alike.
   * Absent when not counted (figures measured before it was, in part or whole).
   */
  pastStallThreshold?: number;
}

/**
 * Operations that were held: outstanding longer than the stall threshold, then successful. Their
 * held time (their latency) counts as downtime; these say how many and for how long (ms).
 */
export interface HeldSummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface ErrorClassStats {
  count: number;
  /** SQLSTATE -> count (errors without one are counted under "none"). */
  sqlStates: Record<string, number>;
  /** One example message, for the report. */
  example: string;
  /** When the first and the last operation that failed so started (absent in older reports). */
  firstAt?: string;
  lastAt?: string;
}

/** Figures for one span of time (a phase, or the whole run). */
export interface WorkloadStats {
  startedAt: string;
  endedAt: string;
  durationMs: number;
  total: OperationStats;
  byType: Record<OperationType, OperationStats>;
  byOperation: Partial<Record<OperationName, OperationStats>>;
  errors: Partial<Record<ErrorClass, ErrorClassStats>>;
  /** Successful operations per second of the time measured. */
  tps: number;
  /** Time of this span in measurement gaps (nothing measured). */
  unmeasuredMs?: number;
  /** Purchases refused because the product was out of stock (a correct, successful outcome). */
  purchasesOutOfStock: number;
  /** Successful operations that were held longer than the stall threshold. */
  held: HeldSummary;
}

/** One 100 ms bucket of the timeline (t: its start, ms since the epoch; `refused`: expected refusals, among `ops` not `errors`). */
export interface TimelineBucket {
  t: number;
  ops: number;
  errors: number;
  refused?: number;
  /** Latency percentiles of the bucket's successful operations, ms (0 when none succeeded). */
  p50: number;
  p99: number;
}

/**
 * A window of unavailability: from the start of an operation that failed or stalled (outstanding
 * longer than the stall threshold) to the completion of the first successful operation that started
 * at or after it (see availability-detector.ts). end is null when it was still open at the end.
 */
export interface DowntimeWindow {
  start: string;
  end: string | null;
  durationMs: number;
  failures: number;
  stalls: number;
  /** Closed by an operation that was itself held: every worker was waiting, nothing probed new work. */
  closedByHeld?: boolean;
}

export interface Downtime {
  /** The definition's threshold: an operation outstanding this long is a stall. */
  stallThresholdMs: number;
  windows: DowntimeWindow[];
  /** Every window's time; an open one counted up to the end of the measurement. */
  totalMs: number;
  /** A window was still open when the measurement ended: the path had not recovered. */
  openAtEnd: boolean;
  /** Windows beyond the number kept, folded into a count and their time (already in totalMs). */
  folded?: { count: number; totalMs: number };
}

export interface PgbenchFigures {
  clients: number;
  transactions: number;
  failed: number;
  /** Transactions per second while it ran. */
  tps: number;
  latencyAvgMs: number;
  /** Its last exit code (2: its clients aborted, a connection broke). */
  exitCode: number | null;
  /** Background load (experiments): started again after each exit while the experiment ran. */
  restarts?: number;
  notRunningMs?: number;
  byPhase?: Array<{ phase: string; transactions: number; failed: number; notRunningMs: number }>;
  /** When it was not running, and why. */
  gaps?: PgbenchGap[];
}

export interface PgbenchGap {
  start: string;
  end: string | null;
  exitCode: number | null;
  cause: 'pgbench exited' | 'worker lost';
  phase?: string; // the phase it began in
}

/**
 * Time in which nothing measured the path: the worker running its workload was lost (from its last
 * checkpoint to the first operation of the attempt that resumed it), or the experiment continued as
 * a new run. Counted neither as up nor as down; a downtime window that spans it is still one window
 * (no operation could close it), and the report says how much of it fell in gaps.
 */
export interface MeasurementGap {
  start: string;
  end: string;
  cause: 'worker lost' | 'continued as new';
  /**
   * A path measured in shards: the gap of one shard only (1-based), while the others measured, and
   * its share of the path's clients; absent, nothing measured the path.
   */
  shard?: number;
  share?: number;
}

/** How a measurement's workers reached the database (`workload.client`), as its engine opened them. */
export interface ClientInUse {
  client: WorkloadClient;
  /** Its workers (a shard's share of the path's). */
  workers: number;
  /** The most connections it could hold open: one per worker, or its pool's size. */
  connections: number;
}

export interface WorkloadResult {
  connection: string;
  /** The engine's run: how its workers reached the database (a result read from a checkpoint has none). */
  measuredWith?: ClientInUse;
  /** The whole run. */
  overall: WorkloadStats;
  /**
   * The run cut by the experiment's phases, one entry each time a phase began: a phase seen again
   * (the fault of a repeated experiment's second cycle) has its own entry, `occurrence` 2.
   */
  phases: PhaseStats[];
  /** Buckets in memory, or (experiments) in a CSV file beside the report, read when it is written. */
  timeline: { bucketMs: number; buckets: TimelineBucket[]; file?: string };
  downtime: Downtime;
  /** When writes (reads) failed: from a failed one to the first successful one started after it. */
  writeOutages?: WriteOutage[];
  readOutages?: WriteOutage[]; // absent in older histories
  gaps: MeasurementGap[];
  stoppedBy: 'duration' | 'cancelled' | 'signal'; // how the run ended
  pgbench?: PgbenchFigures;
  http?: HttpLoadFigures; // an HTTP path's load (measureHttpPath)
}

export interface WriteOutage {
  start: string;
  /** The first successful write started after `start`; null when writes had not come back. */
  end: string | null;
  failures: number;
  /** Writes held past the stall threshold that then succeeded (a pooler holding them through a failover). */
  held?: number;
  firstServedAt?: string; // held ones merged: `end` is the last served, this the first (if earlier)
}

export type PhaseStats = { phase: string; occurrence: number } & WorkloadStats;

/** Live counters, carried by heartbeats and the experiment's status query. */
export interface WorkloadProgress {
  connection: string;
  phase: string;
  /** When these figures were taken (ms since the epoch). */
  at: number;
  elapsedMs: number;
  attempts: number;
  successes: number;
  failures: number;
  /** Operations completed per second, and the share of them that failed, over the last second. */
  opsPerSecond: number;
  errorRate: number;
  /** The path is unavailable now (a failure or a stall opened a window that has not closed). */
  down: boolean;
  downSince: string | null;
  /** Operations in flight for longer than the stall threshold now, and the age of the oldest in flight. */
  stalled: number;
  oldestInFlightMs: number;
  /** Downtime so far, an open window counted up to now. */
  downtimeMs: number;
  /** Operations held longer than the threshold that then succeeded, so far. */
  held: number;
  /** Sent by one shard of a path measured in several (`workload.shards`), and the worker running it. */
  shard?: { index: number; count: number; worker?: string };
  shards?: number; // merged from this many shards' figures (live-progress.ts)
}
