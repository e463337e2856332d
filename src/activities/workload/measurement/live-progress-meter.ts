/** A measurement's live figures: counters, and ops/s and the error rate since the previous reading. */
import type { WorkloadProgress } from '../../../shared/workload-types';
import type { AvailabilityDetector } from './availability-detector';
import type { MeasurementCheckpoint } from './measurement-checkpoint';

export class LiveProgressMeter {
  private last: { at: number; attempts: number; failures: number };

  constructor(
    private readonly path: { connection: string; startedAt: number; phase: () => string },
    private readonly counters: MeasurementCheckpoint['counters'],
    private readonly availability: AvailabilityDetector,
    since: number,
  ) {
    this.last = { at: since, attempts: counters.attempts, failures: counters.failures };
  }

  /** Live figures; ops/s and the error rate are over the time since the previous call. */
  read(now: number): WorkloadProgress {
    const { attempts, failures, held, refused = 0 } = this.counters;
    const dAttempts = attempts - this.last.attempts;
    const dFailures = failures - this.last.failures;
    const seconds = (now - this.last.at) / 1000;
    this.last = { at: now, attempts, failures };
    const live = this.availability.live(now);
    return {
      connection: this.path.connection,
      phase: this.path.phase(),
      at: now,
      elapsedMs: now - this.path.startedAt,
      attempts,
      successes: attempts - failures - refused,
      failures,
      opsPerSecond: seconds > 0 ? Math.round(dAttempts / seconds) : 0,
      errorRate: dAttempts > 0 ? dFailures / dAttempts : 0,
      down: live.down,
      downSince: live.downSince === null ? null : new Date(live.downSince).toISOString(),
      stalled: live.stalled,
      oldestInFlightMs: live.oldestInFlightMs,
      downtimeMs: Math.round(this.availability.totalMs(now)),
      held,
    };
  }
}
