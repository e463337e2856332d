/**
 * The measurement: one `measurePath` per path and the payment workload, from the warmup to the end
 * (or to a continue-as-new). They follow the phase log (the `phaseLog` query) and stop by
 * themselves once the workflow moves past the measured phases; stopping them is entering such a
 * phase and awaiting them.
 */
import type { PaymentWorkloadSummary } from '../../shared/payment-types';
import type { Duration } from '@temporalio/common';
import { ActivityFailure, patched, TimeoutFailure, workflowInfo } from '@temporalio/workflow';
import { act, STEP, WORKLOAD } from './activity-options';
import { shardTaskQueue } from '../../shared/experiment-contract';
import { measuredBeforeCancel } from '../cancelled-details';
import type { ExperimentState, MeasurementFiles } from './state';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import { errorText } from '../error-text';

/** Live counters reach the status query about 20 times per experiment, whatever its length (4 events each). */
function progressSignalSeconds(s: ExperimentState): number {
  const { durations, repeat, paths } = s.definition;
  const cycles = s.definition.fault ? (repeat?.times ?? 1) : 0;
  const methodSeconds =
    cycles > 1 ? (cycles - 1) * (repeat?.everySeconds ?? 0) + durations.faultSeconds : durations.faultSeconds;
  const planned = durations.warmupSeconds + methodSeconds + durations.recoveryTimeoutSeconds;
  return Math.min(300, Math.max(2, Math.ceil((planned * paths.length) / 20)));
}

/** How long a shard may wait for a worker with a free shard slot (a lost worker's is back in seconds). */
const SHARD_START_TIMEOUT: Duration = '30 seconds';

/** Histories from before a shard not taken before the inject refused the experiment (it aborted). */
const SHARD_NOT_TAKEN_PATCH = 'shard-not-taken-refuses';

/** A path's key among the measurement files: the path, or the path and its shard. */
const shardKey = (connection: string, index: number, count: number) =>
  count === 1 ? connection : `${connection}#${index}`;

/** A measurement that ended in error: its figures when it was cancelled, else what it means for the experiment. */
function measurementFailed(
  s: ExperimentState,
  err: unknown,
  connection: string,
  index: number,
  count: number,
): PathMeasurementSummary | undefined {
  const summary = measuredBeforeCancel<PathMeasurementSummary>(err);
  if (summary) return summary;
  const notTaken =
    err instanceof ActivityFailure &&
    err.cause instanceof TimeoutFailure &&
    err.cause.timeoutType === 'SCHEDULE_TO_START';
  if (notTaken && s.cycles.length === 0 && !s.faultOn && patched(SHARD_NOT_TAKEN_PATCH)) {
    // Before the inject: the experiment does not run, and says why (shard-check.ts).
    s.refused ??= `workload.shards: shard ${index + 1} of ${count} on ${connection}: no worker with a free shard slot took it within ${SHARD_START_TIMEOUT}; each shard needs a worker of its own`;
    return undefined;
  }
  s.abort ??= {
    by: 'failure',
    reason: notTaken
      ? `shard ${index + 1} of ${count} on ${connection}: no worker with a free shard slot took it within ${SHARD_START_TIMEOUT} (each worker takes one shard; start more)`
      : `workload on ${connection} failed: ${errorText(err)}`,
  };
  return undefined;
}

/**
 * Starts the measurements; `continueFrom`: the previous run's files, in a run that continued as
 * new. With `workload.shards` N, each path is N activities, each with its share of the clients:
 * Temporal hands them to whichever workers poll the task queue.
 */
export function startMeasurement(s: ExperimentState, continueFrom?: MeasurementFiles): void {
  const d = s.definition;
  const every = progressSignalSeconds(s);
  const count = d.workload.shards;
  const shards = d.paths.flatMap((connection) => Array.from({ length: count }, (_, index) => ({ connection, index })));
  // Shards go to the shard queue, where each worker takes one at a time: N shards, N workers. One
  // that no worker takes within SHARD_START_TIMEOUT ends the experiment: not run, before the inject;
  // aborted and restored after it. A shard measuring nothing through the fault would make the path
  // look better than it is.
  const options =
    count > 1
      ? {
          ...WORKLOAD,
          taskQueue: shardTaskQueue(workflowInfo().taskQueue),
          scheduleToStartTimeout: SHARD_START_TIMEOUT,
        }
      : WORKLOAD;
  s.measurements = shards.map(({ connection, index }) =>
    act(options, `Business workload on ${connection}${count > 1 ? ` (shard ${index + 1} of ${count})` : ''}`)
      .measurePath({
        connection,
        settings: d.workload,
        reportDirectory: d.report.directory,
        stopConditions: d.stopConditions,
        progressSignalSeconds: every,
        ...(count > 1 ? { shard: { index, count } } : {}),
        ...(continueFrom?.paths[shardKey(connection, index, count)]
          ? { continueFrom: continueFrom.paths[shardKey(connection, index, count)] }
          : {}),
      })
      .catch((err: unknown) => measurementFailed(s, err, connection, index, count)),
  );
  for (const target of d.http?.targets ?? []) {
    s.measurements.push(
      act(WORKLOAD, `HTTP workload on ${target}`)
        .measureHttpPath({
          target,
          settings: d.http!,
          reportDirectory: d.report.directory,
          progressSignalSeconds: every,
          ...(continueFrom?.paths[target] ? { continueFrom: continueFrom.paths[target] } : {}),
        })
        .catch((err: unknown) => measurementFailed(s, err, target, 0, 1)),
    );
  }
  if (d.payments) {
    s.payments = act(WORKLOAD, `Payments at ${d.payments.ratePerSecond}/s via ${d.payments.channels.join(' and ')}`)
      .runPaymentWorkload({
        settings: d.payments,
        reportDirectory: d.report.directory,
        ...(continueFrom?.payments ? { continueFrom: continueFrom.payments } : {}),
      })
      .catch((err: unknown) => {
        const summary = measuredBeforeCancel<PaymentWorkloadSummary>(err);
        if (summary) return summary;
        s.abort ??= { by: 'failure', reason: `payment workload failed: ${errorText(err)}` };
        return undefined;
      });
  }
}

/** The files the measurements left, for a run that continues this one (each shard its own). */
export function filesOf(measured: {
  paths: PathMeasurementSummary[];
  payments?: PaymentWorkloadSummary;
}): MeasurementFiles {
  const files = measured.paths.flatMap((p) =>
    (p.shards ?? [p]).map((m) => [shardKey(m.connection, m.shard?.index ?? 0, m.shard?.count ?? 1), m.checkpointFile]),
  );
  return {
    paths: Object.fromEntries(files),
    ...(measured.payments ? { payments: measured.payments.stateFile } : {}),
  };
}

/** Awaits the measurements (the caller has entered a phase past the measured ones). */
export async function measurementsOf(
  s: ExperimentState,
): Promise<{ paths: PathMeasurementSummary[]; payments?: PaymentWorkloadSummary }> {
  const measured = (await Promise.all(s.measurements)).filter((m): m is PathMeasurementSummary => m !== undefined);
  const paths: PathMeasurementSummary[] = [];
  for (const connection of [...s.definition.paths, ...(s.definition.http?.targets ?? [])]) {
    const shards = measured.filter((m) => m.connection === connection);
    if (shards.length <= 1) paths.push(...shards);
    else
      paths.push(
        await act(STEP, `Merge the ${shards.length} shards of ${connection}`).mergePathShards({
          reportDirectory: s.definition.report.directory,
          shards,
        }),
      );
  }
  const payments = s.payments ? await s.payments : undefined;
  return { paths, ...(payments ? { payments } : {}) };
}
