/**
 * What both path activities (measurePath, measureHttpPath) do to be durable: their heartbeat's
 * details, the measurement opened new or taken up (a lost worker's last checkpoint, a previous run's
 * final file), the phases followed from there, and a checkpoint every 500 ms into a heartbeat every
 * 250 ms (cancellation reaches an activity with a heartbeat: it stops within a second).
 */
import { existsSync } from 'node:fs';
import { Context, heartbeat } from '@temporalio/activity';
import type { PgbenchFigures, WorkloadProgress } from '../../../shared/workload-types';
import type { MeasurementCheckpoint } from './measurement-checkpoint';
import { PathMeasurement } from './path-measurement';
import type { PhaseClock } from './phase-clock';
import { followExperimentPhase } from '../experiment-link/phase-follower';
import { readCheckpointFile } from './measure-path-files';
import type { HttpLoadFigures } from '../../../shared/http-workload-types';
import type { HttpLedgerSegment } from '../http/http-ledger';
import type { WriteSegmentRef } from '../writes/write-ledger';

/** Heartbeat details: live counters for people, the checkpoint (and pgbench's or the HTTP load's figures) for a retry. */
export interface MeasurePathHeartbeat {
  progress?: WorkloadProgress;
  checkpoint?: MeasurementCheckpoint;
  pgbench?: PgbenchFigures;
  http?: HttpLoadFigures;
  /** The audited request's ledger so far (an HTTP path with `http.audit`). */
  ledger?: HttpLedgerSegment[];
  /** The audited business writes' ledger files, this run's segments (a business path). */
  writes?: WriteSegmentRef[];
}

/** Cancellation reaches an activity with a heartbeat: heartbeat often so it stops within a second. */
const HEARTBEAT_MS = 250;
const CHECKPOINT_MS = 500;

/** Where to take up from: this activity's own last checkpoint (a worker was lost), or the previous run's final one. */
function resumeSource(beat: MeasurePathHeartbeat | undefined, input: { continueFrom?: string }) {
  if (beat?.checkpoint) return { from: beat.checkpoint, cause: 'worker lost' as const };
  if (input.continueFrom && existsSync(input.continueFrom))
    return {
      from: readCheckpointFile(input.continueFrom),
      cause: 'continued as new' as const,
      baseFile: input.continueFrom,
    };
  return undefined;
}

/** Heartbeats every 250 ms with the latest checkpoint (and `beside`: what else a retry takes up), taken every 500 ms. */
export function keepCheckpointing(
  measurement: PathMeasurement,
  beside: () => Pick<MeasurePathHeartbeat, 'pgbench' | 'http' | 'ledger' | 'writes'>,
  latest: () => WorkloadProgress | undefined,
): () => void {
  let checkpoint = measurement.checkpoint(Date.now());
  let extra = beside();
  const beats = setInterval(
    () => heartbeat({ progress: latest(), checkpoint, ...extra } satisfies MeasurePathHeartbeat),
    HEARTBEAT_MS,
  );
  const checkpoints = setInterval(() => {
    checkpoint = measurement.checkpoint(Date.now());
    extra = beside();
  }, CHECKPOINT_MS);
  return () => {
    clearInterval(beats);
    clearInterval(checkpoints);
  };
}

/** The measurement, new or taken up from the heartbeat or a previous run's file (its `end` kept for what it carries). */
export function openMeasurement(
  input: { connection: string; continueFrom?: string },
  settings: { stallThresholdMs: number; horizonMs: number },
  timelineFile: string,
  beat: MeasurePathHeartbeat | undefined,
  phases: PhaseClock,
): { measurement: PathMeasurement; resumedPgbench: PgbenchFigures | undefined; resumed?: MeasurementCheckpoint } {
  const previous = resumeSource(beat, input);
  const options = {
    connection: input.connection,
    stallThresholdMs: settings.stallThresholdMs,
    phases,
    horizonMs: settings.horizonMs,
    timelineFile,
  };
  const measurement = new PathMeasurement(options, previous ? { ...previous, at: Date.now() } : undefined);
  if (previous)
    Context.current().log.warn('measurement resumed', {
      connection: input.connection,
      from: new Date(previous.from.at).toISOString(),
      cause: previous.cause,
    });
  return {
    measurement,
    resumedPgbench: beat?.pgbench ?? previous?.from.end?.pgbench,
    ...(previous ? { resumed: previous.from } : {}),
  };
}

/** The experiment's phases, followed from where the last checkpoint left them (a retry) or from the warmup. */
export const followFrom = (stop: AbortController, beat: MeasurePathHeartbeat | undefined) =>
  followExperimentPhase(stop, beat?.checkpoint?.spans.at(-1)?.phase ?? 'warmup', !beat?.checkpoint);
