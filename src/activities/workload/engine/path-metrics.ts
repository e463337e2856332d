/**
 * One path's live Prometheus metrics in one experiment.
 *
 * Every operation: counted in plain numbers and observed into a histogram series taken once
 * (nothing allocated, no label string built: the workload's hot loop stays as it was); the counters
 * go to prom-client when the registry is scraped (`publish`). About once a second: the gauges, from
 * the measurement's live `WorkloadProgress` (phase, downtime so far, down, held, stalled).
 */
import {
  ERROR_CLASSES,
  OPERATION_TYPES,
  type ErrorClass,
  type OperationType,
  type WorkloadProgress,
} from '../../../shared/workload-types';
import { classifyError } from '../../../platform/error-classification';
import type { HistogramSeries } from '../../../platform/accumulated-histogram';
import type { LiveMetricFamilies } from './live-metric-families';
import type { OperationObserver } from './workload-engine';

type Counts = { success: number; failure: number; refused: number } & Record<ErrorClass, number>;
const OUTCOMES = ['success', 'failure', 'refused'] as const;

const zeroCounts = (): Counts => ({
  success: 0,
  failure: 0,
  refused: 0,
  ...(Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as Record<ErrorClass, number>),
});

export class PathMetrics implements OperationObserver {
  /** When the measurement ended (ms since the epoch); undefined while it runs. */
  endedAt: number | undefined;
  private readonly labels: { experiment: string; path: string };
  private readonly counts = zeroCounts();
  private readonly published = zeroCounts();
  private readonly latency: Record<OperationType, HistogramSeries>;
  private phase: string | undefined;
  private readonly phases = new Set<string>();

  constructor(
    private readonly families: LiveMetricFamilies,
    readonly experiment: string,
    readonly path: string,
  ) {
    this.labels = { experiment, path };
    const series = (type: OperationType) => families.latency.series({ experiment, path, type });
    this.latency = { read: series('read'), write: series('write'), transaction: series('transaction') };
  }

  /** Hot path: a successful operation and its latency (µs). */
  succeeded(type: OperationType, latencyUs: number): void {
    this.counts.success++;
    this.latency[type].observe(latencyUs / 1e6);
  }

  /** Hot path: a failed operation. */
  failed(_type: OperationType, err: unknown): void {
    this.counts.failure++;
    this.counts[classifyError(err)]++;
  }

  /** Hot path: an expected refusal (HTTP paths only: their series has outcome="refused"). */
  refused(): void {
    this.counts.refused++;
  }

  /** The gauges, from the measurement's live figures (a measurement that goes on again is live again). */
  progress(progress: WorkloadProgress): void {
    const { families, labels } = this;
    this.endedAt = undefined;
    if (progress.phase !== this.phase) {
      if (this.phase !== undefined) families.phase.set({ ...labels, phase: this.phase }, 0);
      this.phase = progress.phase;
      this.phases.add(progress.phase);
      families.phase.set({ ...labels, phase: progress.phase }, 1);
    }
    families.downtime.set(labels, progress.downtimeMs / 1000);
    families.down.set(labels, progress.down ? 1 : 0);
    families.held.set(labels, progress.held);
    families.stalled.set(labels, progress.stalled);
  }

  /** The final figures: kept for scrapes after the end, until LiveMetrics drops them. */
  end(progress: WorkloadProgress, at: number): void {
    this.progress(progress);
    this.endedAt = at;
  }

  /** Hands the counts counted since the last scrape to prom-client's counters. */
  publish(): void {
    const { families, labels, counts, published } = this;
    for (const outcome of OUTCOMES) {
      if (outcome === 'refused' && counts.refused === 0) continue; // a database path never refuses
      families.operations.inc({ ...labels, outcome }, counts[outcome] - published[outcome]);
      published[outcome] = counts[outcome];
    }
    for (const errorClass of ERROR_CLASSES) {
      if (counts[errorClass] === published[errorClass]) continue;
      families.errors.inc({ ...labels, error_class: errorClass }, counts[errorClass] - published[errorClass]);
      published[errorClass] = counts[errorClass];
    }
  }

  /** Drops every series of this path (an experiment over long enough ago). */
  remove(): void {
    const { families, labels } = this;
    for (const outcome of OUTCOMES) families.operations.remove({ ...labels, outcome });
    for (const errorClass of ERROR_CLASSES) families.errors.remove({ ...labels, error_class: errorClass });
    for (const type of OPERATION_TYPES) families.latency.removeSeries({ ...labels, type });
    for (const phase of this.phases) families.phase.remove({ ...labels, phase });
    for (const gauge of [families.downtime, families.down, families.held, families.stalled]) gauge.remove(labels);
  }
}
