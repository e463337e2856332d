/**
 * The faultline worker's Prometheus metrics, read back through a real Prometheus
 * server (Debian's, scraping every second) after a short experiment (the db stopped for 3 s, direct
 * path): the operations counted match the report's, the downtime gauge reached the report's, the
 * phase gauge showed the fault, and the Temporal SDK's own worker metrics are there too.
 */
import assert from 'node:assert/strict';
import { METRICS_HOST, metricsPorts } from '../../src/platform/metrics-settings';
import { EXPERIMENT_TASK_QUEUE } from '../../src/shared/experiment-contract';
import { ensureDbRunning } from './harness/lab-database';
import { dbFault, pathOf, runWithProbes } from './harness/probed-experiment';
import { PrometheusServer } from './harness/prometheus-server';

/** Polls `read` until `done` holds or the time is up; the last value either way. */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

describe('Prometheus metrics of the faultline worker', function () {
  // Prometheus starts in 1-2 s, the experiment takes about 20 s (3 s warmup, 3 s fault, recovery,
  // steady-state checks of 2 s before and after), the read-back a few seconds.
  this.timeout(90_000);
  let prometheus: PrometheusServer | undefined;

  before(async () => {
    // The lab's worker inherits this environment: the same ports.
    const ports = metricsPorts();
    assert.ok(ports.faultline && ports.temporal, 'FAULTLINE_METRICS_PORT and FAULTLINE_TEMPORAL_METRICS_PORT are on');
    prometheus = await PrometheusServer.start({
      'faultline-worker': [`${METRICS_HOST}:${ports.faultline}`],
      'temporal-sdk': [`${METRICS_HOST}:${ports.temporal}`],
    });
    await prometheus.waitTargetUp('faultline-worker');
    await prometheus.waitTargetUp('temporal-sdk');
  });
  after(() => prometheus?.stop());
  afterEach(ensureDbRunning);

  it('counts the operations, the downtime and the phases of an experiment, and serves the SDK metrics', async () => {
    const prom = prometheus!;
    const definition = dbFault('prometheus', 'stop', 3);
    definition.paths = ['direct'];
    const { result, report } = await runWithProbes('prometheus', definition, ['direct']);
    const direct = pathOf(report, 'direct');
    const series = `experiment="${result.experimentId}",path="direct"`;

    // The series outlive the measurement with its final figures, so a scrape after its end reads
    // exactly the report's count (both count the same operations in the same process): wait for
    // that scrape. The 2% allow for a measurement attempt retried in the worker's process, whose
    // counter also counts the operations after its last checkpoint, which the report's resumed
    // figures do not; should the last scrape still be missing, about one second of operations.
    const expected = direct.overall.total.successes;
    const successes = await pollUntil(
      () => prom.value(`faultline_operations_total{${series},outcome="success"}`),
      (v) => v !== undefined && v >= expected,
      5000,
    );
    process.stdout.write(
      `      ${result.experimentId}: scraped ${successes} successes, report ${expected}; downtime report ${direct.downtimeMs} ms\n`,
    );
    assert.ok(successes !== undefined && successes > 0, 'faultline_operations_total{outcome="success"} scraped');
    assert.ok(Math.abs(successes - expected) <= expected * 0.02, `scraped ${successes}, report ${expected}`);
    // Every success is observed in the latency histogram; every failure under an error class.
    assert.equal(await prom.value(`sum(faultline_operation_latency_seconds_count{${series}})`), successes);
    const failures = await prom.value(`faultline_operations_total{${series},outcome="failure"}`);
    assert.ok(failures !== undefined && failures > 0, 'the stopped db failed operations');
    assert.equal(await prom.value(`sum(faultline_errors_total{${series}})`), failures);

    // The downtime gauge is the measurement's own figure, updated about once a second and once at
    // the end: at least the report's, less 1.5 s.
    const downtime = await prom.value(`max_over_time(faultline_downtime_seconds{${series}}[5m])`);
    assert.ok(
      downtime !== undefined && downtime >= direct.downtimeMs / 1000 - 1.5,
      `faultline_downtime_seconds reached ${downtime} s, the report ${direct.downtimeMs} ms`,
    );
    assert.equal(await prom.value(`max_over_time(faultline_path_down{${series}}[5m])`), 1, 'the path was seen down');
    assert.equal(
      await prom.value(`max_over_time(faultline_phase{${series},phase="fault"}[5m])`),
      1,
      'faultline_phase was 1 for the fault',
    );

    // The process's own metrics, and the Temporal SDK's worker metrics (its slots per task queue).
    assert.ok(((await prom.value('faultline_worker_process_resident_memory_bytes')) ?? 0) > 0, 'process metrics');
    const slots = await prom.query(
      `temporal_worker_task_slots_available{job="temporal-sdk",task_queue="${EXPERIMENT_TASK_QUEUE}"}`,
    );
    assert.ok(slots.length > 0, 'temporal_worker_task_slots_available scraped from the SDK');
  });
});
