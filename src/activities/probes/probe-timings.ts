/**
 * How long the ground-truth probe's logins and queries took on one path: a slow target (added
 * latency, a loaded server) shows here, not as downtime. Bounded: at most MAX_SAMPLES of each are
 * kept (a probe runs for the inject and the restore, 50 attempts a second per path).
 */
import type { ProbeTimingSummary } from '../../shared/fault-types';

export type { ProbeTimingSummary };

const MAX_SAMPLES = 20_000;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export class ProbeTimings {
  private readonly logins: number[] = [];
  private readonly queries: number[] = [];
  private loginFailures = 0;
  private queryFailures = 0;
  private attempts = 0;

  record(loginMs: number, queryMs: number): void {
    this.attempts++;
    if (this.logins.length < MAX_SAMPLES) this.logins.push(loginMs);
    if (this.queries.length < MAX_SAMPLES) this.queries.push(queryMs);
  }

  failed(step: 'login' | 'query'): void {
    this.attempts++;
    if (step === 'login') this.loginFailures++;
    else this.queryFailures++;
  }

  summary(): ProbeTimingSummary {
    const logins = [...this.logins].sort((a, b) => a - b);
    const queries = [...this.queries].sort((a, b) => a - b);
    return {
      logins: this.attempts,
      loginFailures: this.loginFailures,
      loginP50Ms: percentile(logins, 50),
      loginMaxMs: logins.length ? logins[logins.length - 1]! : null,
      queryFailures: this.queryFailures,
      queryP50Ms: percentile(queries, 50),
      queryP95Ms: percentile(queries, 95),
    };
  }
}
