/**
 * The error-budget stop condition: after the fault window (phases recovery and later), an error
 * rate above maxErrorRate that lasts forSeconds breaks the budget. Fed the workload's per-second
 * progress; pure. A path that is down because its operations stall (nothing completes, so nothing
 * fails) counts as failing everything: a stall must not hide inside an error rate of 0.
 */
import type { WorkloadProgress } from '../../../shared/workload-types';

const AFTER_FAULT_PHASES = ['recovery', 'steady-state-after'];

/** The error rate, with a stalled path counted as failing every operation. */
export function effectiveErrorRate(progress: Pick<WorkloadProgress, 'errorRate' | 'down' | 'stalled'>): number {
  return progress.down && progress.stalled > 0 ? 1 : progress.errorRate;
}

export class ErrorBudget {
  private overSince: number | undefined;
  private broken = false;

  constructor(private readonly budget: { maxErrorRate: number; forSeconds: number }) {}

  /** Returns the reason the first time the budget breaks, undefined otherwise. */
  observe(progress: WorkloadProgress, now: number): string | undefined {
    if (this.broken) return undefined;
    if (!AFTER_FAULT_PHASES.includes(progress.phase) || effectiveErrorRate(progress) <= this.budget.maxErrorRate) {
      this.overSince = undefined;
      return undefined;
    }
    this.overSince ??= now;
    if (now - this.overSince < this.budget.forSeconds * 1000) return undefined;
    this.broken = true;
    return `stop condition: error rate on ${progress.connection} above ${(this.budget.maxErrorRate * 100).toFixed(1)}% for ${this.budget.forSeconds} s after the fault window`;
  }

  /** The signal carrying the reason did not get through: let the next observation try again. */
  retry(): void {
    this.broken = false;
  }
}
