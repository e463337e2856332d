/**
 * The measurement: one `measurePath` per path and the payment workload, from the warmup to the end
 * (or to a continue-as-new). They follow the phase query and stop by themselves once the workflow
 * moves past the measured phases; stopping them is entering such a phase and awaiting them.
 */
import type { PaymentWorkloadSummary } from '../../shared/payment-types';
import { act, WORKLOAD } from './activity-options';
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

/** Starts the measurements; `continueFrom`: the previous run's files, in a run that continued as new. */
export function startMeasurement(s: ExperimentState, continueFrom?: MeasurementFiles): void {
  const d = s.definition;
  const every = progressSignalSeconds(s);
  s.measurements = d.paths.map((connection) =>
    act(WORKLOAD, `Business workload on ${connection}`)
      .measurePath({
        connection,
        settings: d.workload,
        reportDirectory: d.report.directory,
        stopConditions: d.stopConditions,
        progressSignalSeconds: every,
        ...(continueFrom?.paths[connection] ? { continueFrom: continueFrom.paths[connection] } : {}),
      })
      .catch((err: unknown) => {
        const summary = measuredBeforeCancel<PathMeasurementSummary>(err);
        if (summary) return summary;
        s.abort ??= { by: 'failure', reason: `workload on ${connection} failed: ${errorText(err)}` };
        return undefined;
      }),
  );
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

/** The files the measurements left, for a run that continues this one. */
export function filesOf(measured: {
  paths: PathMeasurementSummary[];
  payments?: PaymentWorkloadSummary;
}): MeasurementFiles {
  return {
    paths: Object.fromEntries(measured.paths.map((p) => [p.connection, p.checkpointFile])),
    ...(measured.payments ? { payments: measured.payments.stateFile } : {}),
  };
}

/** Awaits the measurements (the caller has entered a phase past the measured ones). */
export async function measurementsOf(
  s: ExperimentState,
): Promise<{ paths: PathMeasurementSummary[]; payments?: PaymentWorkloadSummary }> {
  const paths = (await Promise.all(s.measurements)).filter((m): m is PathMeasurementSummary => m !== undefined);
  const payments = s.payments ? await s.payments : undefined;
  return { paths, ...(payments ? { payments } : {}) };
}
