/**
 * `runPaymentWorkload`: payments at a steady rate against the payment service, on each channel:
 *
 * - `http`: POST /payments, then POST /payments/:id/confirm, as a user of the service would;
 * - `workflow`: start the payment workflow (task queue `payment-service`) and await its result.
 *
 * Open loop: a payment starts every 1/rate s whatever the answers, so an outage shows up as failed
 * or slow calls rather than as fewer calls. Each outcome is measured with its latency, status code
 * and retry count, and the ledger records what each caller was told, for the audit afterwards.
 * It follows the experiment's phases and stops after the measured ones.
 *
 * Durable like the path workloads: every 500 ms its state (figures, and the ledger of every attempt so
 * far) goes into its heartbeat details; a retry after a lost worker, or the next run of an experiment
 * that continued as new, takes it up as a new segment with order ids of its own, and the audit covers
 * every segment. Its final state goes to `<report dir>/payments/state.<run>.json`.
 */
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { activityInfo, CancelledFailure, Context, heartbeat } from '@temporalio/activity';
import {
  paymentWorkloadSchema,
  type PaymentWorkloadSettings,
  type PaymentWorkloadSettingsInput,
} from '../../shared/payment-settings';
import type { PaymentWorkloadSummary } from '../../shared/payment-types';
import { formatIssues, InvalidSettingsError } from '../../shared/workload-settings';
import { paymentServiceUrl } from '../../service/client/service-url';
import { sharedClient } from '../../platform/temporal-client';
import { PaymentCalls } from './payments/payment-calls';
import {
  PaymentSegmentState,
  paymentStateFile,
  readPaymentState,
  writePaymentState,
  type PaymentState,
} from './payments/payment-state';
import { followExperimentPhase, type PhaseFollower } from './experiment-link/phase-follower';

export interface RunPaymentWorkloadInput {
  settings?: PaymentWorkloadSettingsInput;
  /** The definition's `report.directory`: the state file goes to its experiment folder. */
  reportDirectory: string;
  /** This run continues an experiment that continued as new: the previous run's final state. */
  continueFrom?: string;
}

const HEARTBEAT_MS = 250;
const CHECKPOINT_MS = 500;

/**
 * Each round of payments is measured under the phase it started in, by the workflow's own log; an
 * entry into `inject` begins a fault cycle where the ledgers stood when that round started.
 */
const roundPhases =
  (state: PaymentSegmentState, follower: PhaseFollower) =>
  (t: number): Promise<string> => {
    const marks = state.ledgerMarks();
    return follower.phaseAt(t).then((phase) => state.phase(phase, marks));
  };

/** This activity's segment: taken up from its last checkpoint (a worker was lost), or from the previous run's final state. */
function openSegment(workflowId: string, lost: PaymentState | undefined, continueFrom: string | undefined) {
  if (lost) return new PaymentSegmentState(workflowId, { state: lost, cause: 'worker lost' });
  if (continueFrom && existsSync(continueFrom))
    return new PaymentSegmentState(workflowId, { state: readPaymentState(continueFrom), cause: 'continued as new' });
  return new PaymentSegmentState(workflowId, undefined);
}

function summarise(
  stateFile: string,
  settings: PaymentWorkloadSettings,
  state: PaymentSegmentState,
  final: PaymentState,
): PaymentWorkloadSummary {
  const totals = state.metrics.totals();
  return {
    stateFile,
    channels: settings.channels,
    ratePerSecond: settings.ratePerSecond,
    calls: totals.calls,
    acknowledged: totals.acknowledged,
    unexpected: final.unexpected,
    gaps: state.gaps,
    stoppedBy: final.end!.stoppedBy,
  };
}

/** Heartbeats every 250 ms with live counters and the latest state, taken every 500 ms. */
function keepCheckpointing(snapshot: () => PaymentState, live: () => object): () => void {
  let state = snapshot();
  const beats = setInterval(() => heartbeat({ ...live(), state }), HEARTBEAT_MS);
  const checkpoints = setInterval(() => (state = snapshot()), CHECKPOINT_MS);
  return () => {
    clearInterval(beats);
    clearInterval(checkpoints);
  };
}

function parsePaymentSettings(input: PaymentWorkloadSettingsInput | undefined): PaymentWorkloadSettings {
  const parsed = paymentWorkloadSchema.safeParse(input ?? {});
  if (!parsed.success) throw new InvalidSettingsError(formatIssues(parsed.error, 'payments.'));
  return parsed.data;
}

export async function runPaymentWorkload(input: RunPaymentWorkloadInput): Promise<PaymentWorkloadSummary> {
  const settings = parsePaymentSettings(input.settings);
  const context = Context.current();
  const info = activityInfo();
  const { workflowId, runId } = info.workflowExecution!;
  const stateFile = paymentStateFile(input.reportDirectory, workflowId, runId.slice(0, 8));
  const stop = new AbortController();
  context.cancellationSignal.addEventListener('abort', () => stop.abort(), { once: true });

  const lost = (info.heartbeatDetails as { state?: PaymentState } | undefined)?.state;
  const state = openSegment(workflowId, lost, input.continueFrom);
  const follower = await followExperimentPhase(stop, lost?.phase ?? 'warmup', lost === undefined);
  const { metrics, ledgers, unexpected, prefix } = state;
  const client = settings.channels.includes('workflow') ? await sharedClient() : undefined;
  const calls = new PaymentCalls({
    baseUrl: paymentServiceUrl(),
    settings,
    client,
    prefix,
    metrics,
    ledgers,
    unexpected,
    log: (message, fields) => context.log.warn(message, fields),
  });
  setMaxListeners(0, calls.cut.signal);
  context.cancellationSignal.addEventListener('abort', () => calls.cut.abort(), { once: true });

  const snapshot = (end?: PaymentState['end']) =>
    state.snapshot(
      {
        channels: settings.channels,
        ratePerSecond: settings.ratePerSecond,
        skipped: calls.skipped,
        phase: follower.current(),
      },
      end,
    );
  const stopCheckpointing = keepCheckpointing(snapshot, () => ({
    phase: follower.current(),
    inFlight: calls.inFlight,
    ...metrics.totals(),
  }));
  try {
    await calls.runOpenLoop(stop.signal, roundPhases(state, follower));
    const final = snapshot({
      endedAt: Date.now(),
      stoppedBy: context.cancellationSignal.aborted ? 'cancelled' : 'signal',
    });
    writePaymentState(stateFile, final);
    const summary = summarise(stateFile, settings, state, final);
    if (context.cancellationSignal.aborted)
      throw new CancelledFailure('payment workload cancelled; details carry its summary', [summary]);
    return summary;
  } finally {
    stopCheckpointing();
    follower.close();
    stop.abort();
    calls.cut.abort();
    metrics.destroy();
  }
}
