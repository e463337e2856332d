/** The engine through an outage of the real database, and as a Temporal activity. */
import assert from 'node:assert/strict';
import { runWorkloadEngine } from '../../src/activities/workload/engine/workload-engine';
import { EXPERIMENT_TASK_QUEUE } from '../../src/shared/experiment-contract';
import { parseWorkloadSettings } from '../../src/shared/workload-settings';
import type { WorkloadProgress } from '../../src/shared/workload-types';
import type { measureWorkload } from '../../src/workflows';
import { dbContainer, ensureDbRunning, waitUntilServing } from './harness/lab-database';
import { testClient } from './harness/temporal-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('workload engine', () => {
  afterEach(ensureDbRunning);

  // Each worker on its own connection (a wire session), and workers sharing a smaller pool (pg's queries).
  for (const { poolSize, label } of [
    { poolSize: 5, label: 'own connections' },
    { poolSize: 2, label: 'a shared pool of 2' },
  ] as const)
    it(`measures a stopped database (${label}): failures classified, downtime never 200 ms less than the real window`, async () => {
      const settings = parseWorkloadSettings({
        concurrentWorkers: 3,
        poolSize,
        thinkTimeSeconds: { min: 0, max: 0 },
      });
      const controller = new AbortController();
      const run = runWorkloadEngine({ connection: 'direct', settings, signal: controller.signal });
      await sleep(2000);
      // Ground truth: from the stop request (PostgreSQL ends sessions at once on SIGINT) to the first
      // moment a fresh connection is served again after the start.
      const stopRequested = Date.now();
      await dbContainer().stop({ t: 10 });
      await sleep(2000);
      await dbContainer().start();
      const servingAgain = await waitUntilServing('direct');
      await sleep(2000);
      controller.abort();
      const result = await run;

      const realWindowMs = servingAgain - stopRequested;
      // One window, or a few when an operation slipped through while the server was shutting down.
      assert.ok(
        result.downtime.windows.length >= 1 && result.downtime.windows.length <= 3,
        JSON.stringify(result.downtime),
      );
      const detected = result.downtime.totalMs;
      // Never less than the truth, and at most 200 ms more.
      const overstateMs = 200;
      process.stdout.write(`      ${label}: detected ${detected} ms, real ${realWindowMs} ms\n`);
      // Each window from the stop request, and the operations held past the threshold: where an excess lies.
      const windows = result.downtime.windows
        .map(
          (w) =>
            `+${Date.parse(w.start) - stopRequested}..+${w.end ? Date.parse(w.end) - stopRequested : '?'} ` +
            `(${w.failures} failed, ${w.stalls} stalled${w.closedByHeld ? ', closed by a held one' : ''})`,
        )
        .join(' ');
      assert.ok(
        detected >= realWindowMs - 200 && detected <= realWindowMs + overstateMs,
        `detected ${detected} ms vs real ${realWindowMs} ms (served again +${realWindowMs}); windows ${windows}; held ${JSON.stringify(result.overall.held)}`,
      );

      const errors = result.overall.errors;
      const classes = Object.keys(errors);
      assert.ok(result.overall.total.failures > 0, 'operations failed while the database was stopped');
      assert.ok(
        classes.every((c) => ['admin_shutdown', 'connection_refused', 'connection_reset', 'timeout'].includes(c)),
        `classes: ${classes}; other: ${JSON.stringify(errors.other ?? {})}`,
      );
      assert.ok((errors.connection_refused?.count ?? 0) > 0, 'a stopped container refuses connections');
      if (errors.admin_shutdown)
        assert.ok(errors.admin_shutdown.sqlStates['57P01']! > 0, JSON.stringify(errors.admin_shutdown));
      assert.equal(result.overall.total.attempts, result.overall.total.successes + result.overall.total.failures);
      // The timeline shows the outage: error-only buckets inside the window, successes on both sides.
      const buckets = result.timeline.buckets;
      const firstError = buckets.findIndex((b) => b.errors > 0);
      const lastError = buckets.length - 1 - [...buckets].reverse().findIndex((b) => b.errors > 0);
      const counts = `buckets (ops/errors): ${buckets.map((b) => `${b.ops}/${b.errors}`).join(' ')}`;
      assert.ok(
        buckets.some((b) => b.errors > 0 && b.ops === b.errors),
        `an error-only bucket; ${counts}`,
      );
      assert.ok(
        buckets.slice(0, firstError).some((b) => b.ops > b.errors),
        `successes before the outage; ${counts}`,
      );
      assert.ok(
        buckets.slice(lastError + 1).some((b) => b.ops > 0),
        `successes after the outage; ${counts}`,
      );
      assert.ok(result.overall.tps > 0, 'a throughput');
    });

  it('runs as the runWorkload activity: heartbeats live counters, cancel stops it within a second and keeps the figures', async () => {
    const client = await testClient();
    const handle = await client.workflow.start<typeof measureWorkload>('measureWorkload', {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: `test-measure-${Date.now()}`,
      args: [{ connection: 'proxy', settings: { thinkTimeSeconds: { min: 0.01, max: 0.05 } }, durationMs: 600_000 }],
    });
    let progress: WorkloadProgress | undefined;
    for (let i = 0; i < 50 && !progress?.attempts; i++) {
      await sleep(200);
      const description = await handle.describe();
      const details = description.raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0]?.data;
      if (details) progress = (JSON.parse(Buffer.from(details).toString()) as { progress?: WorkloadProgress }).progress;
    }
    assert.ok(progress && progress.attempts > 0 && progress.connection === 'proxy', JSON.stringify(progress));
    const cancelledAt = Date.now();
    await handle.cancel();
    const result = await handle.result();
    const stoppedWithinMs = Date.parse(result.overall.endedAt) - cancelledAt;
    assert.ok(stoppedWithinMs < 1000, `stopped ${stoppedWithinMs} ms after the cancel`);
    assert.equal(result.stoppedBy, 'cancelled');
    assert.ok(result.overall.total.attempts >= progress.attempts);
    assert.equal(result.connection, 'proxy');
  });
});
