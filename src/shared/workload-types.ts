/** The workload's vocabulary and result shapes, shared by activities, workflows and reports. Pure. */

export const OPERATION_TYPES = ['read', 'write', 'transaction'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** The ten operations of seed 001, by type. */
export const OPERATIONS = {
  read: ['active_users', 'order_stats_7d', 'product_search', 'user_orders', 'recent_logs'],
  write: ['update_login', 'create_order', 'adjust_stock', 'insert_log'],
  transaction: ['purchase'],
} as const satisfies Record<OperationType, readonly string[]>;

export type OperationName = (typeof OPERATIONS)[OperationType][number];

export const ERROR_CLASSES = ['connection_refused', 'connection_reset', 'admin_shutdown', 'read_only', 'timeout', 'other'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Latency summary in milliseconds (from an HDR histogram of successful operations). */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface OperationStats {
  attempts: number;
  successes: number;
  failures: number;
  /** successes / attempts, 0..1 (1 when nothing was attempted). */
  successRate: number;
  latencyMs: LatencySummary;
}

export interface ErrorClassStats {
  count: number;
  /** SQLSTATE -> count (errors without one are counted under "none"). */
  sqlStates: Record<string, number>;
  /** One example message, for the report. */
  example: string;
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
  /** Successful operations per second. */
  tps: number;
  /** Purchases refused because the product was out of stock (a correct, successful outcome). */
  purchasesOutOfStock: number;
}

/** One 100 ms bucket of the timeline; t is the bucket's start (ms since the epoch). */
export interface TimelineBucket {
  t: number;
  ops: number;
  errors: number;
  /** Latency percentiles of the bucket's successful operations, ms (0 when none succeeded). */
  p50: number;
  p99: number;
}

/** A window from the first failure to the next success with no success inside. */
export interface DowntimeWindow {
  start: string;
  end: string | null;
  durationMs: number;
  failures: number;
}

export interface Downtime {
  windows: DowntimeWindow[];
  totalMs: number;
}

export interface PgbenchFigures {
  clients: number;
  transactions: number;
  failed: number;
  tps: number;
  latencyAvgMs: number;
  exitCode: number | null;
}

export interface WorkloadResult {
  connection: string;
  /** The whole run. */
  overall: WorkloadStats;
  /** The run cut by the experiment's phases (in order of first appearance). */
  phases: Array<{ phase: string } & WorkloadStats>;
  timeline: { bucketMs: number; buckets: TimelineBucket[] };
  downtime: Downtime;
  /** How the run ended. */
  stoppedBy: 'duration' | 'cancelled' | 'signal';
  pgbench?: PgbenchFigures;
}

/** Live counters, carried by heartbeats and the experiment's status query. */
export interface WorkloadProgress {
  connection: string;
  phase: string;
  elapsedMs: number;
  attempts: number;
  successes: number;
  failures: number;
  opsPerSecond: number;
  errorRate: number;
}
