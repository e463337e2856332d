/**
 * A latency or loss fault reported as what it is, in all three forms. Beside each
 * path's probe line: the delay injected and the share of the workload's successes past the stall
 * threshold while the fault was on; beside the cycle: what the target's own TCP did. Results
 * recorded before these were counted still render, without them (never a made-up 0).
 */
import assert from 'node:assert/strict';
import { buildReport } from '../../src/activities/report/report-model';
import { renderConsole } from '../../src/activities/report/render-console';
import { renderHtml } from '../../src/activities/report/render-html';
import { PathMeasurement } from '../../src/activities/workload/measurement/path-measurement';
import { parseExperiment } from '../../src/shared/experiment-schema';
import type { ExperimentOutcome } from '../../src/shared/experiment-types';
import type { TcpDuringFault } from '../../src/shared/fault-types';
import type { WorkloadResult } from '../../src/shared/workload-types';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const INJECT = T0 + 2000;
const RESTORE = T0 + 12_000;
const read = { name: 'active_users', type: 'read' } as const;
const purchase = { name: 'purchase', type: 'transaction' } as const;

/** 400 ms per round trip from the inject to the restore: reads of one, purchases of six. */
function measuredRun(): WorkloadResult {
  let t = T0;
  const m = new PathMeasurement({
    connection: 'direct',
    stallThresholdMs: 1000,
    phaseOf: () => (t < INJECT ? 'warmup' : t < INJECT + 1000 ? 'inject' : t < RESTORE ? 'fault' : 'recovery'),
    startedAt: T0,
  });
  while (t < T0 + 15_000) {
    const slow = t >= INJECT && t < RESTORE;
    const [op, trips] = Math.floor(t / 50) % 10 === 0 ? [purchase, 6] : [read, 1];
    const tripMs = slow ? 400 : 2;
    const token = m.started(t);
    for (let i = 1; i < trips; i++) m.answered(token, t + i * tripMs);
    m.succeeded(token, op, t, t + trips * tripMs, trips * tripMs * 1000);
    t += trips * tripMs + 10;
  }
  return m.result(t, 'signal');
}

const loss: TcpDuringFault = {
  from: new Date(INJECT).toISOString(),
  to: new Date(RESTORE).toISOString(),
  counters: { inSegs: 56_789, outSegs: 57_000, retransSegs: 1_234, timeouts: 12, lossProbes: 40, synRetrans: 3 },
};

function outcome(tcpDuringFault?: TcpDuringFault): ExperimentOutcome {
  return {
    experimentId: 'unit-network-figures',
    definition: parseExperiment({
      name: 'latency',
      fault: { kind: 'network', action: 'latency', delayMs: 400, target: { container: 'faultline-db' } },
    }),
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 15_000).toISOString(),
    verdict: 'held',
    verdictReason: 'every path served within its budget',
    cycles: [
      {
        cycle: 1,
        injection: {
          target: { kind: 'docker', id: 'x', name: 'faultline-db', networks: [] },
          injectRequestedAt: new Date(INJECT).toISOString(),
          targetDownAt: null,
          paths: {
            direct: {
              downAt: null,
              servingAgainAt: null,
              downMs: 0,
              timings: {
                logins: 300,
                loginFailures: 0,
                loginP50Ms: 1610,
                loginMaxMs: 1700,
                queryFailures: 0,
                queryP50Ms: 401,
                queryP95Ms: 405,
              },
            },
          },
        },
        restore: {
          restoreRequestedAt: new Date(RESTORE).toISOString(),
          action: 'network-clear',
          targetRunningAt: new Date(RESTORE + 300).toISOString(),
          servingAgainAt: new Date(RESTORE + 400).toISOString(),
          ...(tcpDuringFault ? { tcpDuringFault } : {}),
        },
      },
    ],
    paths: [],
  };
}

/** The same run as a faultline before these figures would have recorded it. */
function older(w: WorkloadResult): WorkloadResult {
  const strip = (s: WorkloadResult['overall']) => {
    for (const stats of [s.total, ...Object.values(s.byType), ...Object.values(s.byOperation)])
      delete stats!.pastStallThreshold;
  };
  const copy = structuredClone(w);
  strip(copy.overall);
  copy.phases.forEach(strip);
  return copy;
}

describe('a latency or loss fault reported as what it is (unit)', () => {
  const run = measuredRun();
  const report = buildReport(outcome(loss), [run]);
  const cycle = report.paths[0]!.cycles[0]!;
  const console = renderConsole(report);
  const html = renderHtml(report);

  it("JSON: the fault phase's successes past the threshold, by type, slow apart from held", () => {
    const past = cycle.pastStallThreshold!;
    const fault = run.phases.find((p) => p.phase === 'fault')!;
    assert.equal(past.phase, 'fault');
    assert.equal(past.stallThresholdMs, 1000);
    assert.equal(past.successes, fault.total.successes);
    assert.equal(past.byType.read!.count, 0, 'a read of one round trip of 400 ms is under 1 s');
    assert.equal(past.byType.transaction!.count, past.byType.transaction!.successes, 'six round trips: every one past');
    assert.ok(past.count > 0 && past.count === past.byType.transaction!.count);
    assert.equal(past.held, 0, 'slow, not held: every round trip was answered in time');
    assert.deepEqual(report.cycles[0]!.targetTcp, loss);
  });

  it('console: the injected delay beside the probe line, the share past the threshold, the TCP counters', () => {
    const past = cycle.pastStallThreshold!;
    assert.match(
      console,
      /ground-truth probe while the fault landed \(injected: 400 ms added to every packet faultline-db receives, so to every round trip\): new logins p50 1610 ms/,
    );
    const share = `${((past.count / past.successes) * 100).toFixed(1)}%`;
    assert.ok(
      console.includes(
        `operations past the 1 s stall threshold while the fault was on (its fault phase): ${share} (${past.count} of ${past.successes} that succeeded; read 0 of`,
      ),
      console,
    );
    assert.match(console, /0 of them held .*, \d+ slow \(every round trip answered in time\)/);
    assert.match(
      console,
      /faultline-db's own TCP from the inject to the restore \(every connection, read in its network namespace\): 1,234 segments retransmitted of 58,234 sent \(2\.1%\), 12 retransmission timeouts, 40 tail loss probes/,
    );
    assert.match(console, /\n\s+fault\s+[\d,]+ ops .* tps\s+\d+ past 1 s/);
  });

  it('HTML: the same lines, and a column of each phase past the threshold', () => {
    assert.match(html, /class="probe">ground-truth probe while the fault landed \(injected: 400 ms added/);
    assert.match(html, /class="probe">operations past the 1 s stall threshold while the fault was on/);
    assert.match(html, /class="probe">injected: 400 ms added .*1,234 segments retransmitted of 58,234 sent/);
    assert.match(html, /<th>past 1000 ms<\/th><th>held<\/th>/);
    assert.match(html, /<tr><td>warmup<\/td>(<td>[^<]*<\/td>){7}<td>0 \(0\.0%\)<\/td>/);
  });

  it("TCP counters not read: the report says so and why, and no figure; an older history's cycle: no line", () => {
    const notRead = buildReport(outcome({ notRead: 'at the restore: a sidecar could not read: no such image' }), [run]);
    const text = renderConsole(notRead);
    assert.match(text, /own TCP from the inject to the restore .*: not read \(at the restore: .*no such image\)/);
    assert.doesNotMatch(text, /segments retransmitted/);
    const noRecord = renderConsole(buildReport(outcome(), [run]));
    assert.match(noRecord, /injected: 400 ms added to every packet faultline-db receives, so to every round trip\n/);
    assert.doesNotMatch(noRecord, /own TCP/);
  });

  it('results recorded before the share was counted render without it, never as 0', () => {
    const old = buildReport(outcome(), [older(run)]);
    assert.equal(old.paths[0]!.cycles[0]!.pastStallThreshold, undefined);
    const text = renderConsole(old);
    assert.doesNotMatch(text, /past the 1 s stall threshold|past 1 s/);
    assert.match(text, /ground-truth probe while the fault landed \(injected: 400 ms/);
    assert.match(renderHtml(old), /<tr><td>fault<\/td>(<td>[^<]*<\/td>){7}<td>-<\/td>/);
  });
});
