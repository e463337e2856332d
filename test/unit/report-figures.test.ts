/**
 * Report figures that cannot mislead, in all three forms. A workload is measured from a
 * synthetic operation stream (the real measurement code, no database): no purchase ever attempted, a
 * phase in which nothing succeeded, a window still open at the end.
 */
import assert from 'node:assert/strict';
import { PathMeasurement } from '../../src/activities/workload/measurement/path-measurement';
import { buildReport } from '../../src/activities/report/report-model';
import { renderConsole } from '../../src/activities/report/render-console';
import { renderHtml } from '../../src/activities/report/render-html';
import { parseExperiment } from '../../src/shared/experiment-schema';
import type { ExperimentOutcome } from '../../src/shared/experiment-types';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const read = { name: 'active_users', type: 'read' } as const;

function measuredRun(): ReturnType<PathMeasurement['result']> {
  let phase = 'warmup';
  const m = new PathMeasurement({ connection: 'direct', stallThresholdMs: 1000, phaseOf: () => phase, startedAt: T0 });
  let t = T0;
  const ok = (latency: number) => {
    const token = m.started(t);
    m.succeeded(token, read, t, t + latency, latency * 1000);
    t += latency + 50;
  };
  const fail = () => {
    const token = m.started(t);
    m.failed(token, read, t + 1, 1000, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    t += 51;
  };
  for (let i = 0; i < 40; i++) ok(3);
  phase = 'fault';
  for (let i = 0; i < 40; i++) fail();
  phase = 'recovery';
  for (let i = 0; i < 10; i++) fail();
  // Still failing when the measurement ends.
  return m.result(t + 100, 'signal');
}

function outcome(): ExperimentOutcome {
  const inject = new Date(T0 + 2100).toISOString();
  return {
    experimentId: 'unit-figures',
    definition: parseExperiment({
      name: 'figures',
      fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } },
    }),
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 10_000).toISOString(),
    verdict: 'violated',
    verdictReason: 'not recovered: direct unavailable and still down when the measurement ended',
    cycles: [
      {
        cycle: 1,
        injection: {
          target: { kind: 'docker', id: 'x', name: 'faultline-db', networks: [] },
          injectRequestedAt: inject,
          targetDownAt: inject,
        },
        restore: {
          restoreRequestedAt: new Date(T0 + 4000).toISOString(),
          action: 'start',
          targetRunningAt: new Date(T0 + 4300).toISOString(),
          servingAgainAt: new Date(T0 + 4500).toISOString(),
        },
      },
    ],
    paths: [],
  };
}

describe('report figures that cannot mislead (unit)', () => {
  const report = buildReport(outcome(), [measuredRun()]);
  const path = report.paths[0]!;
  const console = renderConsole(report);
  const html = renderHtml(report);

  it('an operation type with no attempt has no success rate: null in JSON, "-" in HTML and console', () => {
    assert.equal(path.overall.byType.transaction.attempts, 0);
    assert.equal(path.overall.byType.transaction.successRate, null);
    assert.match(console, /Transaction operations: 0 \(success rate: -\)/);
    assert.match(html, /<tr><td>transaction<\/td><td>0<\/td><td>-<\/td>/);
    assert.doesNotMatch(console, /Transaction operations: 0 \(success rate: 100/);
  });

  it('a phase without a successful operation has no percentiles: null in JSON, "-" in HTML and console', () => {
    const fault = path.phases.find((p) => p.phase === 'fault')!;
    assert.equal(fault.total.successes, 0);
    assert.deepEqual(
      [fault.total.latencyMs.p50, fault.total.latencyMs.p95, fault.total.latencyMs.p99, fault.total.latencyMs.max],
      [null, null, null, null],
    );
    assert.match(console, /\n\s+fault\s+40 ops\s+0\.0% ok\s+p99\s+- ms/);
    assert.match(
      html,
      /<tr><td>fault<\/td><td>[\d.]+ s<\/td><td>40<\/td><td>0\.0%<\/td><td>0<\/td><td>-<\/td><td>-<\/td><td>-<\/td>/,
    );
    assert.match(html, /fault<\/text><text class="none"[^>]*>- \(no successful operation\)/);
  });

  it('a window still open at the end is reported open, and its recovery as not recovered (never 0.0 s)', () => {
    assert.equal(path.openAtEnd, true);
    assert.equal(path.downtimeWindows.at(-1)!.end, null);
    assert.equal(path.cycles[0]!.recovery, 'not-recovered');
    assert.equal(path.cycles[0]!.recoveryMs, null);
    assert.equal(path.recoveryMs, null);
    assert.match(console, /recovery after restore: NOT RECOVERED/);
    assert.match(console, /the last one STILL OPEN at the end/);
    assert.doesNotMatch(console, /recovery after restore: 0\.0 s/);
    assert.match(html, /<b class="bad">not recovered<\/b>/);
    assert.match(html, /still open/);
  });

  it('states the definition of downtime in the report', () => {
    assert.match(report.downtimeDefinition, /still outstanding after 1000 ms/);
    assert.match(console, /Downtime: A path is down from the start of an operation that fails/);
    assert.match(html, /<b>Downtime\.<\/b> A path is down/);
  });
});
