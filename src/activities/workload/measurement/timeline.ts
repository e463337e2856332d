/** A path's timeline: what happened in each 100 ms (served, failed, refused), for the report's charts. */
import type { TimelineBucket } from '../../../shared/workload-types';
import type { TimelineFile } from './timeline-file';
import { histogramMs, newHistogram } from './histograms';

/**
 * Operations, errors and latency percentiles in fixed time buckets; closed buckets keep 4 numbers.
 * With a file, closed buckets go to it at each `flush` and leave memory.
 */
export class Timeline {
  private buckets: TimelineBucket[] = [];
  private current: { t: number; ops: number; errors: number; refused: number } | undefined;
  /** Only the open bucket has a histogram; 2 significant digits are plenty for p50/p99. */
  private readonly latency = newHistogram(2);

  constructor(
    readonly bucketMs = 100,
    readonly file?: TimelineFile,
  ) {}

  /** One operation: served, failed, or refused (an expected refusal: not served, not a failure either). */
  record(at: number, outcome: 'served' | 'failed' | 'refused', latencyUs: number): void {
    const t = at - (at % this.bucketMs);
    if (!this.current || t !== this.current.t) this.advance(t);
    const bucket = this.current!;
    bucket.ops++;
    if (outcome === 'served') this.latency.recordValue(Math.max(1, Math.round(latencyUs)));
    else if (outcome === 'failed') bucket.errors++;
    else bucket.refused++;
  }

  /** Closes the current bucket and any empty ones up to t. */
  private advance(t: number): void {
    if (this.current) {
      if (t < this.current.t) return; // never goes back in time (clock adjustments)
      this.close();
      for (let gap = this.current.t + this.bucketMs; gap < t; gap += this.bucketMs) {
        this.buckets.push({ t: gap, ops: 0, errors: 0, p50: 0, p99: 0 });
      }
    }
    this.current = { t, ops: 0, errors: 0, refused: 0 };
  }

  private close(): void {
    const c = this.current!;
    const has = this.latency.totalCount > 0;
    this.buckets.push({
      t: c.t,
      ops: c.ops,
      errors: c.errors,
      ...(c.refused ? { refused: c.refused } : {}),
      p50: has ? histogramMs(this.latency.getValueAtPercentile(50)) : 0,
      p99: has ? histogramMs(this.latency.getValueAtPercentile(99)) : 0,
    });
    this.latency.reset();
  }

  /** Writes the closed buckets to the file (if any); returns the file's size. */
  flush(): number {
    if (!this.file) return 0;
    this.file.append(this.buckets);
    this.buckets = [];
    return this.file.size;
  }

  /** Closes the open bucket; returns the buckets still in memory (all of them without a file). */
  finish(): TimelineBucket[] {
    if (this.current) {
      this.close();
      this.current = undefined;
    }
    this.latency.destroy();
    if (this.file) this.flush();
    return this.buckets;
  }
}
