/**
 * What the payment workload knows, as one object: its figures, the ledger of every segment so far
 * (an attempt of the activity, or a run of an experiment that continued as new), the fault cycles it
 * saw, its gaps. It is taken up from a checkpoint, snapshotted into heartbeats and, at the end, into
 * its file beside the report.
 */
import { createHash } from 'node:crypto';
import { readJsonFile, writeJsonFile } from '../measurement/json-file';
import path from 'node:path';
import type {
  PaymentChannel,
  PaymentSegment,
  PaymentWorkloadSummary,
  UnexpectedPaymentAnswers,
} from '../../../shared/payment-types';
import type { MeasurementGap } from '../../../shared/workload-types';
import { experimentDirectory } from '../../report/report-paths';
import { ChannelLedger } from './payment-ledger';
import { PaymentMetrics, type PaymentMetricsCheckpoint } from './payment-metrics';

/** The payment workload's state: in heartbeat details every 500 ms, and in its file at the end. */
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

/** The payment workload's final state of one run (`run`: the run id's first characters). */
export const paymentStateFile = (reportDirectory: string, experimentId: string, run: string): string =>
  path.join(experimentDirectory(reportDirectory, experimentId), 'payments', `state.${run}.json`);

export const readPaymentState = (file: string): PaymentState => readJsonFile<PaymentState>(file);

export function writePaymentState(file: string, state: PaymentState): void {
  writeJsonFile(file, state);
}

/** Order ids of one experiment share `fl-<hash of its workflow id>-`; each segment adds `s<n>`. */
export const experimentOrderPrefix = (workflowId: string): string =>
  `fl-${createHash('sha256').update(workflowId).digest('hex').slice(0, 12)}`;

export class PaymentSegmentState {
  readonly prefix: string;
  readonly metrics: PaymentMetrics;
  readonly unexpected: UnexpectedPaymentAnswers;
  readonly gaps: MeasurementGap[];
  readonly ledgers: Record<PaymentChannel, ChannelLedger> = {
    http: new ChannelLedger(),
    workflow: new ChannelLedger(),
  };
  private readonly earlier: PaymentSegment[];
  private readonly cycleStarts: PaymentSegment['cycleStarts'] = [];
  private cycles: number;
  private lastPhase: string | undefined;

  /** A new segment, after `previous` (a lost attempt's checkpoint, or a previous run's final state). */
  constructor(workflowId: string, previous?: { state: PaymentState; cause: MeasurementGap['cause'] }) {
    const p = previous?.state;
    this.earlier = p?.segments ?? [];
    this.prefix = `${experimentOrderPrefix(workflowId)}-s${this.earlier.length + 1}`;
    this.metrics = p ? PaymentMetrics.fromCheckpoint(p.metrics) : new PaymentMetrics();
    this.unexpected = p?.unexpected ?? { serverErrors: 0, timeouts: 0, noAnswer: 0 };
    this.gaps = [...(p?.gaps ?? [])];
    if (p && previous)
      this.gaps.push({ start: new Date(p.at).toISOString(), end: new Date().toISOString(), cause: previous.cause });
    this.cycles = p?.cycles ?? 0;
  }

  /** Where each channel's ledger stands: the number the next payment takes. */
  ledgerMarks(): { http: number; workflow: number } {
    return { http: this.ledgers.http.length, workflow: this.ledgers.workflow.length };
  }

  /**
   * Notes the phase a round of payments started in, in the order they started; an entry into
   * `inject` begins a fault cycle at `marks`, where the ledgers stood when that round started.
   */
  phase(now: string, marks = this.ledgerMarks()): string {
    if (now === 'inject' && this.lastPhase !== 'inject') this.cycleStarts.push({ cycle: ++this.cycles, ...marks });
    this.lastPhase = now;
    return now;
  }

  snapshot(
    o: { channels: PaymentChannel[]; ratePerSecond: number; skipped: number; phase: string },
    end?: PaymentState['end'],
  ): PaymentState {
    const current: PaymentSegment = {
      prefix: this.prefix,
      ledger: { http: this.ledgers.http.encode(), workflow: this.ledgers.workflow.encode() },
      ledgerAt: new Date().toISOString(),
      complete: end !== undefined,
      cycleStarts: this.cycleStarts,
    };
    return {
      version: 1,
      at: Date.now(),
      channels: o.channels,
      ratePerSecond: o.ratePerSecond,
      segments: [...this.earlier, current],
      metrics: this.metrics.checkpoint(),
      skipped: o.skipped,
      unexpected: { ...this.unexpected },
      cycles: this.cycles,
      phase: o.phase,
      gaps: this.gaps,
      ...(end ? { end } : {}),
    };
  }
}
