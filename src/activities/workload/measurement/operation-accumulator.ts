/** One named operation's figures in a span: counters and an HDR latency histogram. */
import type { OperationStats } from '../../../shared/workload-types';
import { latencySummary, newHistogram } from './histograms';

export class OperationAccumulator {
  attempts = 0;
  failures = 0;
  /** Expected refusals (an HTTP service's 503 during an outage): not served, and not failures. */
  refused = 0;
  /** Successes that took the stall threshold or longer; unknown once a part of them was not counted. */
  slow = 0;
  slowCounted = true;
  readonly latency = newHistogram();

  stats(): OperationStats {
    const successes = this.attempts - this.failures - this.refused;
    return {
      attempts: this.attempts,
      successes,
      failures: this.failures,
      ...(this.refused > 0 ? { refused: this.refused } : {}),
      successRate: this.attempts === 0 ? null : successes / this.attempts,
      latencyMs: latencySummary(this.latency),
      ...(this.slowCounted ? { pastStallThreshold: this.slow } : {}),
    };
  }

  add(other: OperationAccumulator): void {
    this.attempts += other.attempts;
    this.failures += other.failures;
    this.refused += other.refused;
    this.slow += other.slow;
    this.slowCounted &&= other.slowCounted;
    this.latency.add(other.latency);
  }

  destroy(): void {
    this.latency.destroy();
  }
}

export function combine(parts: OperationAccumulator[]): OperationStats {
  const merged = new OperationAccumulator();
  for (const part of parts) merged.add(part);
  const stats = merged.stats();
  merged.destroy();
  return stats;
}
