/**
 * `measurePath`: one path's workload for the length of an experiment, as a Temporal activity.
 *
 * - Follows the experiment's phases (its `phase` query, four times a second) and stops by itself
 *   when the workflow moves past the measured ones.
 * - Durable: every 500 ms it checkpoints its whole measurement (histograms encoded, availability
 *   windows, counters; the timeline goes to a CSV file beside the report) into its heartbeat
 *   details. A retry after a lost worker resumes from the last checkpoint, and the time in between
 *   is a measurement gap. A run that continued as new takes up the previous run's final checkpoint.
 * - Writes its final checkpoint to `<report dir>/paths/<path>.checkpoint.json` and returns a small
 *   summary: the figures never travel through the workflow's history, whatever their size.
 * - Heartbeats live counters; sends the workflow a few progress signals; signals `abort` when the
 *   error budget breaks. Cancelled, it stops within a second and fails with a CancelledFailure whose
 *   details carry its summary (the file is written).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { activityInfo, ApplicationFailure, CancelledFailure, Context, heartbeat } from '@temporalio/activity';
import { parseWorkloadSettings, type WorkloadSettingsInput } from '../../shared/workload-settings';
import type { MeasurementGap, PgbenchFigures, WorkloadProgress, WorkloadResult } from '../../shared/workload-types';
import { experimentDirectory } from '../report/report-paths';
import { sharedClient } from '../temporal-client';
import { ErrorBudget } from './error-budget';
import { PathMeasurement, type MeasurementCheckpoint } from './path-measurement';
import { followExperimentPhase } from './phase-follower';
import { BackgroundPgbench } from './background-pgbench';
import { measurementHorizonMs, runWorkloadEngine } from './workload-engine';

export interface MeasurePathInput {
  /** Named connection: `direct`, `proxy`, or any FAULTLINE_CONNECTION_<NAME>. */
  connection: string;
  settings?: WorkloadSettingsInput;
  /** The definition's `report.directory`: the path's files go to its experiment folder. */
  reportDirectory: string;
  /** After the fault window, an error rate above maxErrorRate for forSeconds signals `abort`. */
  stopConditions?: { maxErrorRate: number; forSeconds: number };
  /** Send the workflow a `progress` signal this often (its `status` query's live counters). */
  progressSignalSeconds?: number;
  /** This run continues an experiment that continued as new: the previous run's final checkpoint. */
  continueFrom?: string;
}

/** What the workflow keeps of a path: enough for the verdict and the search attributes. */
export interface PathMeasurementSummary {
  connection: string;
  /** The final checkpoint, from which the report reads every figure. */
  checkpointFile: string;
  attempts: number;
  failures: number;
  downtimeMs: number;
  openAtEnd: boolean;
  openSince: string | null;
  gaps: MeasurementGap[];
  stoppedBy: WorkloadResult['stoppedBy'];
}

/** Heartbeat details: live counters for people, the checkpoint (and pgbench's figures) for a retry. */
export interface MeasurePathHeartbeat {
  progress?: WorkloadProgress;
  checkpoint?: MeasurementCheckpoint;
  pgbench?: PgbenchFigures;
}

/** Signal carrying a workload's live counters to its experiment. */
export const PROGRESS_SIGNAL = 'progress';
/** Cancellation reaches an activity with a heartbeat: heartbeat often so it stops within a second. */
const HEARTBEAT_MS = 250;
const CHECKPOINT_MS = 500;

/** A path's files: one timeline, and a final checkpoint per run (`run`: the run id's first characters). */
export function pathFiles(reportDirectory: string, experimentId: string, connection: string, run: string): { checkpoint: string; timeline: string } {
  const dir = path.join(experimentDirectory(reportDirectory, experimentId), 'paths');
  return { checkpoint: path.join(dir, `${connection}.${run}.checkpoint.json`), timeline: path.join(dir, `${connection}.timeline.csv`) };
}

export function writeCheckpointFile(file: string, checkpoint: MeasurementCheckpoint): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(checkpoint));
  renameSync(tmp, file);
}

export function readCheckpointFile(file: string): MeasurementCheckpoint {
  return JSON.parse(readFileSync(file, 'utf8')) as MeasurementCheckpoint;
}

export async function measurePath(input: MeasurePathInput): Promise<PathMeasurementSummary> {
  const settings = parseWorkloadSettings(input.settings, 'workload');
  const context = Context.current();
  const info = activityInfo();
  const { workflowId, runId } = info.workflowExecution!;
  const files = pathFiles(input.reportDirectory, workflowId, input.connection, runId.slice(0, 8));
  const stop = new AbortController();
  context.cancellationSignal.addEventListener('abort', () => stop.abort(), { once: true });
  // Where to take up from: this activity's own last checkpoint (a worker was lost), or the previous
  // run's final one (the experiment continued as new).
  const beat = info.heartbeatDetails as MeasurePathHeartbeat | undefined;
  const follower = await followExperimentPhase(stop, beat?.checkpoint?.spans.at(-1)?.phase ?? 'warmup', !beat?.checkpoint);
  const phaseOf = () => follower.current();
  const previous = beat?.checkpoint
    ? { from: beat.checkpoint, cause: 'worker lost' as const }
    : input.continueFrom && existsSync(input.continueFrom)
      ? { from: readCheckpointFile(input.continueFrom), cause: 'continued as new' as const, baseFile: input.continueFrom }
      : undefined;
  const options = { connection: input.connection, stallThresholdMs: settings.stallThresholdMs, phaseOf, horizonMs: measurementHorizonMs(settings), timelineFile: files.timeline };
  const measurement = new PathMeasurement(options, previous ? { ...previous, at: Date.now() } : undefined);
  if (previous) context.log.warn('measurement resumed', { connection: input.connection, from: new Date(previous.from.at).toISOString(), cause: previous.cause });

  let latest: WorkloadProgress | undefined;
  let checkpoint = measurement.checkpoint(Date.now());
  // Tests only: fail, for good, once the experiment reaches this phase (an activity failing mid-method).
  const failIn = process.env.FAULTLINE_TEST_FAIL_MEASUREMENT_IN_PHASE;
  let hookFired = false;
  const pgbench: BackgroundPgbench | undefined = settings.pgbench.enabled
    ? new BackgroundPgbench({
        connection: input.connection,
        clients: settings.pgbench.clients,
        weights: settings.weights,
        phaseOf,
        signal: stop.signal,
        ...((beat?.pgbench ?? previous?.from.end?.pgbench) ? { resumeFrom: beat?.pgbench ?? previous?.from.end?.pgbench } : {}),
      })
    : undefined;
  pgbench?.start();
  let pgbenchFigures = pgbench?.figures();
  const beats = setInterval(() => heartbeat({ progress: latest, checkpoint, ...(pgbenchFigures ? { pgbench: pgbenchFigures } : {}) } satisfies MeasurePathHeartbeat), HEARTBEAT_MS);
  const checkpoints = setInterval(() => {
    checkpoint = measurement.checkpoint(Date.now());
    pgbenchFigures = pgbench?.figures();
  }, CHECKPOINT_MS);
  const signals = progressSignals(input, () => latest);
  const budget = input.stopConditions ? new ErrorBudget(input.stopConditions) : undefined;

  let final: MeasurementCheckpoint | undefined;
  try {
    await runWorkloadEngine({
      connection: input.connection,
      settings,
      signal: stop.signal,
      phase: phaseOf,
      measurement,
      onProgress: (progress) => {
        latest = progress;
        if (failIn && phaseOf() === failIn && !hookFired) {
          hookFired = true;
          stop.abort();
        }
        const reason = budget?.observe(progress, Date.now());
        if (reason) void signalAbort(workflowId, reason).catch(() => budget?.retry());
      },
      onEnd: (m, endedAt) => {
        final = m.checkpoint(endedAt, { endedAt, stoppedBy: context.cancellationSignal.aborted ? 'cancelled' : 'signal' }, true);
      },
    });
    stop.abort();
    if (hookFired) throw ApplicationFailure.nonRetryable(`test hook: the measurement fails in phase ${failIn}`, 'TestHookFailure');
    if (pgbench && final?.end) final.end.pgbench = await pgbench.stopped();
    writeCheckpointFile(files.checkpoint, final!);
    const summary = summarise(final!, files.checkpoint);
    if (context.cancellationSignal.aborted) throw new CancelledFailure('measurement cancelled; details carry its summary', [summary]);
    return summary;
  } finally {
    clearInterval(beats);
    clearInterval(checkpoints);
    if (signals) clearInterval(signals);
    follower.close();
    stop.abort();
  }
}

function summarise(cp: MeasurementCheckpoint, checkpointFile: string): PathMeasurementSummary {
  const windows = cp.availability.windows;
  const endedAt = cp.end?.endedAt ?? cp.at;
  const open = windows.find((w) => w.end === null);
  const closedMs = windows.reduce((sum, w) => sum + ((w.end ?? endedAt) - w.start), 0) + cp.availability.folded.totalMs;
  return {
    connection: cp.connection,
    checkpointFile,
    attempts: cp.counters.attempts,
    failures: cp.counters.failures,
    downtimeMs: Math.round(closedMs),
    openAtEnd: open !== undefined,
    openSince: open ? new Date(open.start).toISOString() : null,
    gaps: cp.gaps,
    stoppedBy: cp.end?.stoppedBy ?? 'cancelled',
  };
}

async function signalAbort(workflowId: string, reason: string): Promise<void> {
  const client = await sharedClient();
  await client.workflow.getHandle(workflowId).signal('abort', reason);
}

/** A few progress signals per experiment, so the `status` query has live counters. */
function progressSignals(input: MeasurePathInput, latest: () => WorkloadProgress | undefined): NodeJS.Timeout | undefined {
  if (!input.progressSignalSeconds) return undefined;
  return setInterval(() => {
    const { workflowExecution } = activityInfo();
    const progress = latest();
    if (!progress || !workflowExecution) return;
    void sharedClient()
      .then((client) => client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId).signal(PROGRESS_SIGNAL, progress))
      .catch(() => undefined);
  }, input.progressSignalSeconds * 1000);
}
