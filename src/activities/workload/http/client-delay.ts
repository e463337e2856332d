/**
 * How late the worker's own event loop runs while it measures an HTTP path: every latency it times
 * includes this share, which the service did not cause (a worker busy with a database path's
 * workload too). A timer's lateness (perf_hooks), noted in the load's figures for the report.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HttpLoadFigures } from '../../../shared/http-workload-types';

const RESOLUTION_MS = 10;

export function clientDelay(figures: HttpLoadFigures) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // The histogram holds each timer's whole interval: its lateness is what exceeds the resolution.
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return {
    note: () => {
      if (histogram.count > 0)
        figures.clientDelayMs = {
          p50: ms(histogram.percentile(50)),
          p99: ms(histogram.percentile(99)),
          max: ms(histogram.max),
        };
    },
    stop: () => histogram.disable(),
  };
}
