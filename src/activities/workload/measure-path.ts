/**
 * `measurePath`: one path's workload for the length of an experiment, as a Temporal activity.
 *
 * - Follows the experiment's phases (its phase log, the `phaseLog` query, about four times a
 *   second: experiment-link/phase-follower.ts) and stops by itself when the workflow moves past the measured ones.
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
import { activityInfo, ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import {
  parseWorkloadSettings,
  shardSettings,
  writesAudited,
  type WorkloadSettings,
  type WorkloadSettingsInput,
} from '../../shared/workload-settings';
import type { ClientInUse, PgbenchFigures, WorkloadProgress } from '../../shared/workload-types';
import { ErrorBudget } from './measurement/error-budget';
import type { MeasurementCheckpoint } from './measurement/measurement-checkpoint';
import type { PathMeasurement } from './measurement/path-measurement';
import {
  followFrom,
  keepCheckpointing,
  openMeasurement,
  type MeasurePathHeartbeat,
} from './measurement/durable-measurement';
import { progressSignals, watchBudget } from './experiment-link/measurement-signals';
import { BackgroundPgbench } from './pgbench/background-pgbench';
import { pathFiles, summarise, writeCheckpointFile } from './measurement/measure-path-files';
import { measurementHorizonMs } from './engine/workload-engine';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import { workerIdentity } from './shard-workers';
import { runEngineWithLiveMetrics } from './engine/live-metrics';
import { openPathWriteLedger, type PathWriteLedger } from './writes/path-write-ledger';

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
  /** One of several activities measuring this path (`workload.shards`), with its share of the clients. */
  shard?: { index: number; count: number };
}

/** Tests only (FAULTLINE_TEST_FAIL_MEASUREMENT_IN_PHASE): fails for good once the experiment reaches that phase. */
function testHook(phaseOf: () => string, stop: AbortController): { check: () => void; fired: () => boolean } {
  const failIn = process.env.FAULTLINE_TEST_FAIL_MEASUREMENT_IN_PHASE;
  let fired = false;
  return {
    check: () => {
      if (failIn && phaseOf() === failIn && !fired) {
        fired = true;
        stop.abort();
      }
    },
    fired: () => {
      if (fired)
        throw ApplicationFailure.nonRetryable(`test hook: the measurement fails in phase ${failIn}`, 'TestHookFailure');
      return false;
    },
  };
}

function startPgbench(
  input: MeasurePathInput,
  settings: WorkloadSettings,
  resumeFrom: PgbenchFigures | undefined,
  phaseOf: () => string,
  signal: AbortSignal,
): BackgroundPgbench | undefined {
  if (!settings.pgbench.enabled) return undefined;
  const pgbench = new BackgroundPgbench({
    connection: input.connection,
    clients: settings.pgbench.clients,
    weights: settings.weights,
    phaseOf,
    signal,
    ...(resumeFrom ? { resumeFrom } : {}),
  });
  pgbench.start();
  return pgbench;
}

/** pgbench's figures and the audited writes' ledger, for the heartbeat beside the checkpoint. */
const besideCheckpoint = (pgbench: BackgroundPgbench | undefined, writes: PathWriteLedger | undefined) => () => {
  const figures = pgbench?.figures();
  return { ...(figures ? { pgbench: figures } : {}), ...(writes ? { writes: writes.thisRun() } : {}) };
};

/** The ledger of the audited writes, when the business mix's writes are audited (`workload.writeAudit`). */
function writeLedgerOf(
  input: MeasurePathInput,
  settings: WorkloadSettings,
  checkpointFile: string,
  beat: MeasurePathHeartbeat | undefined,
): PathWriteLedger | undefined {
  if (!writesAudited(settings)) return undefined;
  const info = activityInfo();
  const { workflowId, runId } = info.workflowExecution!;
  return openPathWriteLedger({
    workflowId,
    runId,
    connection: input.connection,
    ...(input.shard ? { shard: input.shard.index } : {}),
    attempt: info.attempt,
    checkpointFile,
    ...(beat?.writes ? { earlierAttempts: beat.writes } : {}),
    ...(input.continueFrom ? { continueFrom: input.continueFrom } : {}),
  });
}

/** The settings, a shard's share of them when it is one. */
const settingsOf = ({ settings, shard }: MeasurePathInput): WorkloadSettings =>
  shardSettings(parseWorkloadSettings(settings, 'workload'), shard?.index ?? 0, shard?.count ?? 1);

/** The summary the workflow gets, with the client its engine measured with; a shard's names itself and its worker. */
const summaryOf = (
  final: MeasurementCheckpoint,
  file: string,
  shard: MeasurePathInput['shard'],
  measuredWith: ClientInUse | undefined,
): PathMeasurementSummary => ({
  ...summarise(final, file),
  ...(measuredWith ? { measuredWith } : {}),
  ...(shard ? { shard: { ...shard, worker: workerIdentity } } : {}),
});

/** The final checkpoint and the write ledger's index written beside the report; the workflow's summary of them. */
function finish(
  final: MeasurementCheckpoint,
  checkpointFile: string,
  writes: PathWriteLedger | undefined,
  shard: MeasurePathInput['shard'],
  measuredWith: ClientInUse | undefined,
): PathMeasurementSummary {
  writeCheckpointFile(checkpointFile, final);
  const writeLedgerFile = writes?.finish();
  return { ...summaryOf(final, checkpointFile, shard, measuredWith), ...(writeLedgerFile ? { writeLedgerFile } : {}) };
}

export async function measurePath(input: MeasurePathInput): Promise<PathMeasurementSummary> {
  const { shard } = input;
  const settings = settingsOf(input);
  const context = Context.current();
  const info = activityInfo();
  const { workflowId, runId } = info.workflowExecution!;
  const files = pathFiles(input.reportDirectory, workflowId, input.connection, runId.slice(0, 8), shard?.index);
  const stop = new AbortController();
  context.cancellationSignal.addEventListener('abort', () => stop.abort(), { once: true });
  const beat = info.heartbeatDetails as MeasurePathHeartbeat | undefined;
  const follower = await followFrom(stop, beat);
  const phaseOf = () => follower.current();
  const horizon = { stallThresholdMs: settings.stallThresholdMs, horizonMs: measurementHorizonMs(settings) };
  const { measurement, resumedPgbench } = openMeasurement(input, horizon, files.timeline, beat, follower);
  const pgbench = startPgbench(input, settings, resumedPgbench, phaseOf, stop.signal);
  const writes = writeLedgerOf(input, settings, files.checkpoint, beat);
  let latest: WorkloadProgress | undefined;
  const stopCheckpointing = keepCheckpointing(measurement, besideCheckpoint(pgbench, writes), () => latest);
  const signals = progressSignals(input, () => latest);
  const budget = input.stopConditions ? new ErrorBudget(input.stopConditions) : undefined;
  const hook = testHook(phaseOf, stop);
  let final: MeasurementCheckpoint | undefined;
  try {
    const onProgress = (progress: WorkloadProgress) => {
      latest = shard ? { ...progress, shard: { ...shard, worker: workerIdentity } } : progress;
      hook.check();
      watchBudget(budget, progress, workflowId);
    };
    const onEnd = (m: PathMeasurement, endedAt: number) =>
      (final = m.checkpoint(
        endedAt,
        { endedAt, stoppedBy: context.cancellationSignal.aborted ? 'cancelled' : 'signal' },
        true,
      ));
    const { measuredWith } = await runEngineWithLiveMetrics(workflowId, {
      connection: input.connection,
      settings,
      signal: stop.signal,
      phase: phaseOf,
      measurement,
      onProgress,
      onEnd,
      ...(writes ? { writes: writes.ledger } : {}),
    });
    stop.abort();
    hook.fired();
    if (pgbench && final?.end) final.end.pgbench = await pgbench.stopped();
    const summary = finish(final!, files.checkpoint, writes, shard, measuredWith);
    if (context.cancellationSignal.aborted)
      throw new CancelledFailure('measurement cancelled; details carry its summary', [summary]);
    return summary;
  } finally {
    stopCheckpointing();
    writes?.close();
    if (signals) clearInterval(signals);
    follower.close();
    stop.abort();
  }
}
