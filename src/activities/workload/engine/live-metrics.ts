/**
 * The workload's live Prometheus metrics in this process (served by the worker, see
 * src/worker/metrics-server.ts): one PathMetrics per experiment (workflow id) and path, made when
 * its measurement starts, and taken again by a measurement of the same experiment and path in this
 * process (a retry, the next run of an experiment that continued as new): its counters go on.
 *
 * A measurement's series stay after its end, so a scrape then still sees its final figures; those
 * of measurements that ended more than 10 minutes ago are dropped.
 */
import type { Registry } from 'prom-client';
import { metricsRegistry } from '../../../platform/metrics-registry';
import { createLiveMetricFamilies, type LiveMetricFamilies } from './live-metric-families';
import { PathMetrics } from './path-metrics';
import type { WorkloadResult } from '../../../shared/workload-types';
import { runWorkloadEngine, type EngineOptions } from './workload-engine';

const KEEP_ENDED_MS = 10 * 60_000;

export class LiveMetrics {
  private readonly families: LiveMetricFamilies;
  private readonly paths = new Map<string, PathMetrics>();

  constructor(
    registry: Registry,
    private readonly now: () => number = Date.now,
    private readonly keepEndedMs = KEEP_ENDED_MS,
  ) {
    this.families = createLiveMetricFamilies(registry, () => this.publish());
  }

  /** The metrics of one path of one experiment, live again if they had ended. */
  path(experiment: string, path: string): PathMetrics {
    this.dropEnded();
    const key = `${experiment}\u0000${path}`;
    let metrics = this.paths.get(key);
    if (!metrics) {
      metrics = new PathMetrics(this.families, experiment, path);
      this.paths.set(key, metrics);
    }
    metrics.endedAt = undefined;
    return metrics;
  }

  /** At a scrape, before the counters are read. */
  private publish(): void {
    this.dropEnded();
    for (const metrics of this.paths.values()) metrics.publish();
  }

  private dropEnded(): void {
    const now = this.now();
    for (const [key, metrics] of this.paths)
      if (metrics.endedAt !== undefined && now - metrics.endedAt > this.keepEndedMs) {
        metrics.remove();
        this.paths.delete(key);
      }
  }
}

let processMetrics: LiveMetrics | undefined;

/** This process's live metrics of one path in `experiment`, in the registry its worker serves. */
export function livePathMetrics(experiment: string, path: string): PathMetrics {
  return (processMetrics ??= new LiveMetrics(metricsRegistry)).path(experiment, path);
}

/**
 * Runs the workload engine with this process's live metrics of its path in `experiment`: every
 * operation, each progress (about once a second) and the final figures at the end.
 */
export function runEngineWithLiveMetrics(experiment: string, options: EngineOptions): Promise<WorkloadResult> {
  const metrics = livePathMetrics(experiment, options.connection);
  return runWorkloadEngine({
    ...options,
    observer: metrics,
    onProgress: (progress) => {
      metrics.progress(progress);
      options.onProgress?.(progress);
    },
    onEnd: (measurement, endedAt, stoppedBy) => {
      metrics.end(measurement.progress(endedAt), endedAt);
      options.onEnd?.(measurement, endedAt, stoppedBy);
    },
  });
}
