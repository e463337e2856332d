/**
 * What the payment workload measured, in bounded memory: per phase, channel and call (create,
 * confirm) a count per outcome, an HDR latency histogram and a histogram of retry counts.
 */
import type * as hdr from 'hdr-histogram-js';
import type { PaymentCallStats, PaymentChannel, PaymentPhaseStats } from '../../shared/payment-types';
import { latencySummary, newHistogram } from './workload-metrics';

export interface CallOutcome {
  /** HTTP status code, or "timeout", "network", "started", "completed", "failed". */
  outcome: string;
  acknowledged: boolean;
  /** For calls that got an answer. */
  latencyMs?: number;
  retries?: number;
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
      retries: { total: this.retriesTotal, max: this.retriesMax, histogram: Object.fromEntries([...this.retries].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v])) },
    };
  }

  destroy(): void {
    this.latency.destroy();
  }
}

export class PaymentMetrics {
  private readonly spans = new Map<string, { phase: string; channel: PaymentChannel; create: CallAccumulator; confirm: CallAccumulator }>();

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
    return [...this.spans.values()].map((s) => ({ phase: s.phase, channel: s.channel, create: s.create.stats(), confirm: s.confirm.stats() }));
  }

  destroy(): void {
    for (const span of this.spans.values()) {
      span.create.destroy();
      span.confirm.destroy();
    }
  }
}
