/**
 * What the payment workload measured, in bounded memory: per phase, channel and call (create,
 * confirm) a count per outcome, an HDR latency histogram and a histogram of retry counts.
 */
import type * as hdr from 'hdr-histogram-js';
import type { PaymentCallStats, PaymentChannel, PaymentPhaseStats } from '../../../shared/payment-types';
import { addEncoded, encodeHistogram, latencySummary, newHistogram } from '../measurement/histograms';

export interface CallOutcome {
  /** HTTP status code, or "timeout", "network", "started", "completed", "failed". */
  outcome: string;
  acknowledged: boolean;
  /** For calls that got an answer. */
  latencyMs?: number;
  retries?: number;
}

/** A call accumulator as plain data (checkpoints). */
export interface CallCheckpoint {
  calls: number;
  acknowledged: number;
  outcomes: Record<string, number>;
  latency: string;
  retriesTotal: number;
  retriesMax: number;
  retries: Record<string, number>;
}

export interface PaymentMetricsCheckpoint {
  spans: Array<{ phase: string; channel: PaymentChannel; create: CallCheckpoint; confirm: CallCheckpoint }>;
}

class CallAccumulator {
  calls = 0;
  acknowledged = 0;
  readonly outcomes = new Map<string, number>();
  readonly latency: hdr.Histogram = newHistogram(2);
  retriesTotal = 0;
  retriesMax = 0;
  readonly retries = new Map<number, number>();

  record(call: CallOutcome): void {
    this.calls++;
    if (call.acknowledged) this.acknowledged++;
    this.outcomes.set(call.outcome, (this.outcomes.get(call.outcome) ?? 0) + 1);
    if (call.latencyMs !== undefined) this.latency.recordValue(Math.max(1, Math.round(call.latencyMs * 1000)));
    if (call.retries !== undefined) {
      this.retriesTotal += call.retries;
      this.retriesMax = Math.max(this.retriesMax, call.retries);
      this.retries.set(call.retries, (this.retries.get(call.retries) ?? 0) + 1);
    }
  }

  stats(): PaymentCallStats {
    return {
      calls: this.calls,
      acknowledged: this.acknowledged,
      failed: this.calls - this.acknowledged,
      outcomes: Object.fromEntries([...this.outcomes].sort()),
      latencyMs: latencySummary(this.latency),
      retries: {
        total: this.retriesTotal,
        max: this.retriesMax,
        histogram: Object.fromEntries([...this.retries].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])),
      },
    };
  }

  checkpoint(): CallCheckpoint {
    return {
      calls: this.calls,
      acknowledged: this.acknowledged,
      outcomes: Object.fromEntries(this.outcomes),
      latency: encodeHistogram(this.latency),
      retriesTotal: this.retriesTotal,
      retriesMax: this.retriesMax,
      retries: Object.fromEntries([...this.retries].map(([k, v]) => [String(k), v])),
    };
  }

  restore(c: CallCheckpoint): void {
    this.calls = c.calls;
    this.acknowledged = c.acknowledged;
    for (const [k, v] of Object.entries(c.outcomes)) this.outcomes.set(k, v);
    addEncoded(this.latency, c.latency);
    this.retriesTotal = c.retriesTotal;
    this.retriesMax = c.retriesMax;
    for (const [k, v] of Object.entries(c.retries)) this.retries.set(Number(k), v);
  }

  destroy(): void {
    this.latency.destroy();
  }
}

export class PaymentMetrics {
  private readonly spans = new Map<
    string,
    { phase: string; channel: PaymentChannel; create: CallAccumulator; confirm: CallAccumulator }
  >();

  private span(phase: string, channel: PaymentChannel) {
    const key = `${phase}\u0000${channel}`;
    let span = this.spans.get(key);
    if (!span) {
      span = { phase, channel, create: new CallAccumulator(), confirm: new CallAccumulator() };
      this.spans.set(key, span);
    }
    return span;
  }

  record(phase: string, channel: PaymentChannel, call: 'create' | 'confirm', outcome: CallOutcome): void {
    this.span(phase, channel)[call].record(outcome);
  }

  checkpoint(): PaymentMetricsCheckpoint {
    return {
      spans: [...this.spans.values()].map((s) => ({
        phase: s.phase,
        channel: s.channel,
        create: s.create.checkpoint(),
        confirm: s.confirm.checkpoint(),
      })),
    };
  }

  static fromCheckpoint(c: PaymentMetricsCheckpoint): PaymentMetrics {
    const metrics = new PaymentMetrics();
    for (const s of c.spans) {
      const span = metrics.span(s.phase, s.channel);
      span.create.restore(s.create);
      span.confirm.restore(s.confirm);
    }
    return metrics;
  }

  /** Live counters for heartbeats. */
  totals(): { calls: number; acknowledged: number; failed: number } {
    let calls = 0;
    let acknowledged = 0;
    for (const span of this.spans.values()) {
      calls += span.create.calls;
      acknowledged += span.create.acknowledged;
    }
    return { calls, acknowledged, failed: calls - acknowledged };
  }

  /** In order of first appearance (phases come in order). */
  stats(): PaymentPhaseStats[] {
    return [...this.spans.values()].map((s) => ({
      phase: s.phase,
      channel: s.channel,
      create: s.create.stats(),
      confirm: s.confirm.stats(),
    }));
  }

  destroy(): void {
    for (const span of this.spans.values()) {
      span.create.destroy();
      span.confirm.destroy();
    }
  }
}
