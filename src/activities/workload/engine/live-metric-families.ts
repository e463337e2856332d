/**
 * The workload's Prometheus metric families (names, help, labels, buckets), per experiment (its
 * workflow id) and path (the named connection). Labels stay bounded: experiment, path, and an
 * operation type, outcome, error class or phase.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { AccumulatedHistogram } from '../../../platform/accumulated-histogram';

/** 1 ms to 30 s: a healthy query, a held one, up to the statement timeout. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type PathLabel = 'experiment' | 'path';

export interface LiveMetricFamilies {
  operations: Counter<PathLabel | 'outcome'>;
  errors: Counter<PathLabel | 'error_class'>;
  latency: AccumulatedHistogram<PathLabel | 'type'>;
  phase: Gauge<PathLabel | 'phase'>;
  downtime: Gauge<PathLabel>;
  down: Gauge<PathLabel>;
  held: Gauge<PathLabel>;
  stalled: Gauge<PathLabel>;
}

/**
 * The families, registered in `registry`. `collect` runs before the counters are read at a scrape:
 * the operations are counted outside prom-client (see path-metrics.ts) and published then.
 */
export function createLiveMetricFamilies(registry: Registry, collect: () => void): LiveMetricFamilies {
  const registers = [registry];
  const pathLabels: PathLabel[] = ['experiment', 'path'];
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: pathLabels, registers });
  return {
    operations: new Counter({
      name: 'faultline_operations_total',
      help: 'Workload operations completed, by outcome (success or failure)',
      labelNames: [...pathLabels, 'outcome'],
      registers,
      collect,
    }),
    errors: new Counter({
      name: 'faultline_errors_total',
      help: 'Failed workload operations, by error class',
      labelNames: [...pathLabels, 'error_class'],
      registers,
      collect,
    }),
    latency: new AccumulatedHistogram({
      name: 'faultline_operation_latency_seconds',
      help: 'Latency of successful workload operations, by operation type (read, write, transaction)',
      labelNames: [...pathLabels, 'type'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    phase: new Gauge({
      name: 'faultline_phase',
      help: "1 for the experiment's current phase as the path's workload follows it, 0 for the phases it left",
      labelNames: [...pathLabels, 'phase'],
      registers,
    }),
    downtime: gauge(
      'faultline_downtime_seconds',
      'Detected downtime of the path so far, an open window counted up to the last update',
    ),
    down: gauge('faultline_path_down', '1 while the path is down (a failure or a stall opened a window), else 0'),
    held: gauge(
      'faultline_held_operations_total',
      'Operations held longer than the stall threshold that then succeeded, so far in the measurement',
    ),
    stalled: gauge('faultline_in_flight_stalled', 'Operations in flight for longer than the stall threshold now'),
  };
}
