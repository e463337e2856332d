/** A detector's windows as the report's downtime figures, and measurement gaps in a time range. */
import type { MeasurementGap, WorkloadResult } from '../../../shared/workload-types';
import type { AvailabilityDetector } from './availability-detector';

export function downtimeResult(
  availability: AvailabilityDetector,
  stallThresholdMs: number,
  endedAt: number,
): WorkloadResult['downtime'] {
  const snapshot = availability.snapshot();
  return {
    stallThresholdMs,
    windows: snapshot.windows.map((w) => ({
      start: new Date(w.start).toISOString(),
      end: w.end === null ? null : new Date(w.end).toISOString(),
      durationMs: Math.round((w.end ?? endedAt) - w.start),
      failures: w.failures,
      stalls: w.stalls,
      ...(w.closedByHeld ? { closedByHeld: true } : {}),
    })),
    totalMs: Math.round(availability.totalMs(endedAt)),
    openAtEnd: availability.down,
    ...(snapshot.folded.count ? { folded: snapshot.folded } : {}),
  };
}

/** Measurement gaps inside [from, to], ms. */
export function gapMsWithin(gaps: MeasurementGap[], from: number, to: number): number {
  return gaps.reduce(
    (sum, g) => sum + Math.max(0, Math.min(Date.parse(g.end), to) - Math.max(Date.parse(g.start), from)),
    0,
  );
}
