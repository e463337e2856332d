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
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { activityInfo, CancelledFailure, Context, heartbeat } from '@temporalio/activity';
import { paymentWorkloadSchema, type PaymentWorkloadSettingsInput } from '../../shared/payment-settings';
import type { PaymentChannel, PaymentSegment, PaymentWorkloadSummary, UnexpectedPaymentAnswers } from '../../shared/payment-types';
import type { MeasurementGap } from '../../shared/workload-types';
import { formatIssues, InvalidSettingsError } from '../../shared/workload-settings';
import { paymentServiceUrl } from '../../service/service-settings';
import { experimentDirectory } from '../report/report-paths';
import { sharedClient } from '../temporal-client';
import { ChannelLedger } from './payment-ledger';
import { PaymentCalls } from './payment-calls';
import { PaymentMetrics, type PaymentMetricsCheckpoint } from './payment-metrics';
import { followExperimentPhase } from './phase-follower';

export interface RunPaymentWorkloadInput {
  settings?: PaymentWorkloadSettingsInput;
  /** The definition's `report.directory`: the state file goes to its experiment folder. */
  reportDirectory: string;
  /** This run continues an experiment that continued as new: the previous run's final state. */
  continueFrom?: string;
}

/** The payment workload's state: in heartbeat details every 2 s, and in its file at the end. */
export interface PaymentState {
  version: 1;
  at: number;
  channels: PaymentChannel[];
  ratePerSecond: number;
  segments: PaymentSegment[];
  metrics: PaymentMetricsCheckpoint;
  skipped: number;
  unexpected: UnexpectedPaymentAnswers;
  /** Fault cycles seen so far (entries into `inject`), across segments. */
  cycles: number;
  /** The experiment's phase when this was taken (a resumed segment starts from it). */
  phase: string;
  gaps: MeasurementGap[];
  end?: { endedAt: number; stoppedBy: PaymentWorkloadSummary['stoppedBy'] };
}

const HEARTBEAT_MS = 250;
const CHECKPOINT_MS = 500;

/** The payment workload's final state of one run (`run`: the run id's first characters). */
export const paymentStateFile = (reportDirectory: string, experimentId: string, run: string): string => path.join(experimentDirectory(reportDirectory, experimentId), 'payments', `state.${run}.json`);

export function readPaymentState(file: string): PaymentState {
  return JSON.parse(readFileSync(file, 'utf8')) as PaymentState;
}

/** Order ids of one experiment share `fl-<hash of its workflow id>-`; each segment adds `s<n>`. */
export const experimentOrderPrefix = (workflowId: string): string => `fl-${createHash('sha256').update(workflowId).digest('hex').slice(0, 12)}`;

export async function runPaymentWorkload(input: RunPaymentWorkloadInput): Promise<PaymentWorkloadSummary> {
  const parsed = paymentWorkloadSchema.safeParse(input.settings ?? {});
  if (!parsed.success) throw new InvalidSettingsError(formatIssues(parsed.error, 'payments.'));
  const settings = parsed.data;
  const context = Context.current();
  const info = activityInfo();
  const { workflowId, runId } = info.workflowExecution!;
  const stateFile = paymentStateFile(input.reportDirectory, workflowId, runId.slice(0, 8));
  const stop = new AbortController();
  context.cancellationSignal.addEventListener('abort', () => stop.abort(), { once: true });

  const lost = (info.heartbeatDetails as { state?: PaymentState } | undefined)?.state;
  const previous = lost ?? (input.continueFrom && existsSync(input.continueFrom) ? readPaymentState(input.continueFrom) : undefined);
  const resumedAt = Date.now();
  const segments: PaymentSegment[] = previous?.segments ?? [];
  const prefix = `${experimentOrderPrefix(workflowId)}-s${segments.length + 1}`;
  const metrics = previous ? PaymentMetrics.fromCheckpoint(previous.metrics) : new PaymentMetrics();
  const unexpected: UnexpectedPaymentAnswers = previous?.unexpected ?? { serverErrors: 0, timeouts: 0, noAnswer: 0 };
  const gaps: MeasurementGap[] = [...(previous?.gaps ?? [])];
  if (previous) gaps.push({ start: new Date(previous.at).toISOString(), end: new Date(resumedAt).toISOString(), cause: lost ? 'worker lost' : 'continued as new' });
  const ledgers: Record<PaymentChannel, ChannelLedger> = { http: new ChannelLedger(), workflow: new ChannelLedger() };
  let cycles = previous?.cycles ?? 0;
  const cycleStarts: PaymentSegment['cycleStarts'] = [];

  const follower = await followExperimentPhase(stop, lost?.phase ?? 'warmup', lost === undefined);
  let lastPhase = follower.current();
  const phase = () => {
    const now = follower.current();
    if (now === 'inject' && lastPhase !== 'inject') cycleStarts.push({ cycle: ++cycles, http: ledgers.http.length, workflow: ledgers.workflow.length });
    lastPhase = now;
    return now;
  };
  const calls = new PaymentCalls({
    baseUrl: paymentServiceUrl(),
    settings,
    client: settings.channels.includes('workflow') ? await sharedClient() : undefined,
    prefix,
    metrics,
    ledgers,
    unexpected,
    log: (message, fields) => context.log.warn(message, fields),
  });
  setMaxListeners(0, calls.cut.signal);
  context.cancellationSignal.addEventListener('abort', () => calls.cut.abort(), { once: true });

  const state = (end?: PaymentState['end']): PaymentState => ({
    version: 1,
    at: Date.now(),
    channels: settings.channels,
    ratePerSecond: settings.ratePerSecond,
    segments: [...segments, { prefix, ledger: { http: ledgers.http.encode(), workflow: ledgers.workflow.encode() }, ledgerAt: new Date().toISOString(), complete: end !== undefined, cycleStarts }],
    metrics: metrics.checkpoint(),
    skipped: calls.skipped,
    unexpected: { ...unexpected },
    cycles,
    phase: follower.current(),
    gaps,
    ...(end ? { end } : {}),
  });
  let checkpoint = state();
  const beat = setInterval(() => heartbeat({ phase: follower.current(), inFlight: calls.inFlight, ...metrics.totals(), state: checkpoint }), HEARTBEAT_MS);
  const checkpoints = setInterval(() => (checkpoint = state()), CHECKPOINT_MS);
  try {
    await calls.runOpenLoop(stop.signal, phase);
    const final = state({ endedAt: Date.now(), stoppedBy: context.cancellationSignal.aborted ? 'cancelled' : 'signal' });
    writeState(stateFile, final);
    const totals = metrics.totals();
    const summary: PaymentWorkloadSummary = {
      stateFile,
      channels: settings.channels,
      ratePerSecond: settings.ratePerSecond,
      calls: totals.calls,
      acknowledged: totals.acknowledged,
      unexpected: final.unexpected,
      gaps,
      stoppedBy: final.end!.stoppedBy,
    };
    if (context.cancellationSignal.aborted) throw new CancelledFailure('payment workload cancelled; details carry its summary', [summary]);
    return summary;
  } finally {
    clearInterval(beat);
    clearInterval(checkpoints);
    follower.close();
    stop.abort();
    calls.cut.abort();
    metrics.destroy();
  }
}

function writeState(file: string, state: PaymentState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}
