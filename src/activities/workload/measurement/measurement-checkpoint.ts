/** A path's measurement as plain data, and what it is made from (see path-measurement.ts). */
import type {
  ErrorClass,
  MeasurementGap,
  OperationName,
  OperationType,
  PgbenchFigures,
  WorkloadResult,
  WriteOutage,
} from '../../../shared/workload-types';
import type { PhaseClock } from './phase-clock';
import type { AvailabilitySnapshot } from './availability-types';
import type { SpanCheckpoint } from './span-metrics';
import type { HttpLoadFigures } from '../../../shared/http-workload-types';

/** The state of a measurement as plain data (see `PathMeasurement.checkpoint`). */
export interface MeasurementCheckpoint {
  version: 1;
  connection: string;
  stallThresholdMs: number;
  startedAt: number;
  /** When it was taken: a resumed measurement's gap starts here. */
  at: number;
  spans: Array<{
    phase: string;
    occurrence: number;
    from: number;
    to?: number;
    /** When the experiment entered the phase (the phase log's entry); `from` if absent. */
    entered?: number;
    metrics: SpanCheckpoint;
  }>;
  /** Operations ended after a phase change not yet heard of, to be filed once it is. */
  pending?: PendingRecord[];
  availability: AvailabilitySnapshot;
  writeOutages?: WriteOutage[];
  /** Absent in checkpoints taken before reads had their own outages. */
  readOutages?: WriteOutage[];
  counters: { attempts: number; failures: number; held: number; refused?: number };
  gaps: MeasurementGap[];
  timeline: { bucketMs: number; file?: string; bytes: number };
  /**
   * A checkpoint of a measurement that continued from another's file holds only its own spans: the
   * first `spans` spans are the base file's. Heartbeats stay small however long the experiment.
   */
  base?: { file: string; spans: number };
  /** Set on the checkpoint taken when the measurement ended. */
  end?: { endedAt: number; stoppedBy: WorkloadResult['stoppedBy']; pgbench?: PgbenchFigures; http?: HttpLoadFigures };
}

/** An ended operation, waiting to be filed under its phase. */
export interface PendingRecord {
  at: number;
  name: OperationName;
  type: OperationType;
  latencyUs: number;
  outOfStock?: boolean;
  /** Outstanding past the stall threshold, then served. */
  held?: boolean;
  failure?: { errorClass: ErrorClass; sqlState?: string; message: string };
  /** An expected refusal (an HTTP request's refused answer). */
  refused?: boolean;
}

export interface MeasurementOptions {
  connection: string;
  stallThresholdMs: number;
  /** When each phase began (an experiment's log); without it, `phaseOf` at each operation's end. */
  phases?: PhaseClock;
  phaseOf?: () => string;
  startedAt?: number;
  /** How long a success is remembered for windows opened late (longer than any operation lasts). */
  horizonMs?: number;
  /** Where the timeline goes (experiments); without it, it stays in memory. */
  timelineFile?: string;
}
