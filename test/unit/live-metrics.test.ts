/**
 * The workload's live Prometheus metrics. Synthetic operations and progress go
 * into the metrics of a fresh registry, and the exposition text says what Prometheus would read:
 * counters by outcome and error class, the latency histogram (the same text as prom-client's own
 * histogram given the same observations), the phase, downtime, down, held and stalled gauges; the
 * counters count each operation once however often they are scraped, and an ended measurement's
 * series stay for 10 minutes, then go.
 */
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { LiveMetrics } from '../../src/activities/workload/engine/live-metrics';
import { LATENCY_BUCKETS_SECONDS } from '../../src/activities/workload/engine/live-metric-families';
import { AccumulatedHistogram } from '../../src/platform/accumulated-histogram';
import type { WorkloadProgress } from '../../src/shared/workload-types';

const EXPERIMENT = 'db-outage-1700000000000';
const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:15432'), { code: 'ECONNREFUSED' });
const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

function progress(over: Partial<WorkloadProgress>): WorkloadProgress {
  return {
    connection: 'direct',
    phase: 'warmup',
    at: 0,
    elapsedMs: 0,
    attempts: 0,
    successes: 0,
    failures: 0,
    opsPerSecond: 0,
    errorRate: 0,
    down: false,
    downSince: null,
    stalled: 0,
    oldestInFlightMs: 0,
    downtimeMs: 0,
    held: 0,
    ...over,
  };
}

/** The value of one series in the exposition text, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const labels = (extra = '', path = 'direct') => `experiment="${EXPERIMENT}",path="${path}"${extra}`;

describe('live Prometheus metrics (unit)', () => {
  let registry: Registry;
  let now: number;
  let live: LiveMetrics;
  beforeEach(() => {
    registry = new Registry();
    now = 1_700_000_000_000;
    live = new LiveMetrics(registry, () => now);
  });

  it('counts operations by outcome and error class, and each operation once however often scraped', async () => {
    const direct = live.path(EXPERIMENT, 'direct');
    for (let i = 0; i < 7; i++) direct.succeeded('read', 2000);
    direct.failed('write', refused);
    direct.failed('read', refused);
    let text = await registry.metrics();
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="success"')}}`), 7);
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="failure"')}}`), 2);
    assert.equal(sample(text, `faultline_errors_total{${labels(',error_class="connection_refused"')}}`), 2);
    assert.equal(sample(text, `faultline_errors_total{${labels(',error_class="timeout"')}}`), undefined);

    text = await registry.metrics(); // nothing new: the same totals
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="success"')}}`), 7);
    direct.succeeded('transaction', 30_000);
    direct.failed('read', reset);
    text = await registry.metrics();
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="success"')}}`), 8);
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="failure"')}}`), 3);
    assert.equal(sample(text, `faultline_errors_total{${labels(',error_class="connection_refused"')}}`), 2);
    assert.equal(sample(text, `faultline_errors_total{${labels(',error_class="connection_reset"')}}`), 1);
    assert.match(text, /# TYPE faultline_operations_total counter/);
  });

  it("counts an HTTP path's expected refusals apart; a database path has no refused series", async () => {
    const flask = live.path(EXPERIMENT, 'flask');
    const direct = live.path(EXPERIMENT, 'direct');
    direct.succeeded('read', 1000);
    flask.succeeded('write', 5000);
    for (let i = 0; i < 3; i++) flask.refused();
    const text = await registry.metrics();
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="refused"', 'flask')}}`), 3);
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="failure"', 'flask')}}`), 0);
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="refused"')}}`), undefined);
  });

  it('keeps one series per path, and a path taken again (a retry) counts on', async () => {
    live.path(EXPERIMENT, 'direct').succeeded('read', 1000);
    live.path(EXPERIMENT, 'proxy').succeeded('read', 1000);
    live.path(EXPERIMENT, 'direct').succeeded('write', 1000);
    const text = await registry.metrics();
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="success"')}}`), 2);
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="success"', 'proxy')}}`), 1);
  });

  it('observes successful latencies by type, in seconds, as prom-client would', async () => {
    const direct = live.path(EXPERIMENT, 'direct');
    const latenciesUs = { read: [800, 2000, 2000, 40_000, 45_000_000], write: [7000], transaction: [] };
    const reference = new Registry();
    const histogram = new Histogram({
      name: 'faultline_operation_latency_seconds',
      help: 'Latency of successful workload operations, by operation type (read, write, transaction)',
      labelNames: ['experiment', 'path', 'type'],
      buckets: LATENCY_BUCKETS_SECONDS,
      registers: [reference],
    });
    for (const [type, values] of Object.entries(latenciesUs) as Array<[keyof typeof latenciesUs, number[]]>) {
      histogram.zero({ experiment: EXPERIMENT, path: 'direct', type });
      for (const us of values) {
        direct.succeeded(type, us);
        histogram.observe({ experiment: EXPERIMENT, path: 'direct', type }, us / 1e6);
      }
    }
    direct.failed('read', refused); // failures have no latency here
    const ours = await registry.getSingleMetricAsString('faultline_operation_latency_seconds');
    assert.equal(ours, await reference.getSingleMetricAsString('faultline_operation_latency_seconds'));
    const text = await registry.metrics();
    const bucket = (type: string, le: string) =>
      sample(text, `faultline_operation_latency_seconds_bucket{le="${le}",${labels(`,type="${type}"`)}}`);
    assert.equal(bucket('read', '0.001'), 1);
    assert.equal(bucket('read', '0.0025'), 3);
    assert.equal(bucket('read', '0.05'), 4);
    assert.equal(bucket('read', '30'), 4);
    assert.equal(bucket('read', '+Inf'), 5);
    assert.equal(sample(text, `faultline_operation_latency_seconds_count{${labels(',type="read"')}}`), 5);
    assert.equal(sample(text, `faultline_operation_latency_seconds_sum{${labels(',type="transaction"')}}`), 0);
    const json = await registry.getMetricsAsJSON();
    const latency = json.find((m) => m.name === 'faultline_operation_latency_seconds');
    assert.equal(latency?.values.length, 3 * (LATENCY_BUCKETS_SECONDS.length + 3));
  });

  it('sets the gauges from the live progress, the current phase 1 and the phases left 0', async () => {
    const direct = live.path(EXPERIMENT, 'direct');
    direct.progress(progress({ phase: 'warmup' }));
    let text = await registry.metrics();
    assert.equal(sample(text, `faultline_phase{${labels(',phase="warmup"')}}`), 1);
    assert.equal(sample(text, `faultline_path_down{${labels()}}`), 0);

    direct.progress(progress({ phase: 'fault', down: true, downtimeMs: 2500, stalled: 2, held: 3 }));
    text = await registry.metrics();
    assert.equal(sample(text, `faultline_phase{${labels(',phase="warmup"')}}`), 0);
    assert.equal(sample(text, `faultline_phase{${labels(',phase="fault"')}}`), 1);
    assert.equal(sample(text, `faultline_downtime_seconds{${labels()}}`), 2.5);
    assert.equal(sample(text, `faultline_path_down{${labels()}}`), 1);
    assert.equal(sample(text, `faultline_in_flight_stalled{${labels()}}`), 2);
    assert.equal(sample(text, `faultline_held_operations_total{${labels()}}`), 3);
  });

  it("keeps an ended measurement's final figures for 10 minutes, then drops its series", async () => {
    const direct = live.path(EXPERIMENT, 'direct');
    direct.succeeded('read', 1000);
    direct.failed('read', refused);
    direct.end(progress({ phase: 'recovery', downtimeMs: 4200 }), now);
    now += 9 * 60_000;
    let text = await registry.metrics();
    assert.equal(sample(text, `faultline_operations_total{${labels(',outcome="success"')}}`), 1);
    assert.equal(sample(text, `faultline_downtime_seconds{${labels()}}`), 4.2);
    assert.equal(sample(text, `faultline_phase{${labels(',phase="recovery"')}}`), 1);

    live.path('another-experiment', 'direct').succeeded('read', 1000);
    now += 2 * 60_000;
    text = await registry.metrics();
    assert.doesNotMatch(text, new RegExp(EXPERIMENT));
    assert.equal(
      sample(text, 'faultline_operations_total{experiment="another-experiment",path="direct",outcome="success"}'),
      1,
    );
  });

  it('lets a series of the accumulated histogram go, and starts again from zero', async () => {
    const histogram = new AccumulatedHistogram({
      name: 'h_seconds',
      help: 'h',
      labelNames: ['k'],
      buckets: [1, 0.1],
      registers: [registry],
    });
    histogram.series({ k: 'a' }).observe(0.5);
    histogram.removeSeries({ k: 'a' });
    histogram.series({ k: 'a' }).observe(0.05);
    const text = await registry.metrics();
    assert.equal(sample(text, 'h_seconds_bucket{le="0.1",k="a"}'), 1);
    assert.equal(sample(text, 'h_seconds_count{k="a"}'), 1);
  });
});
