/**
 * Operations filed under the phase they ended in, by the workflow's phase log, even when the log is
 * heard a poll later (pure logic; the direct-vs-proxy and scenario tests run it against real
 * experiments, and the workflow's phase log is what the Web UI's history shows).
 */
import assert from 'node:assert/strict';
import { resultFromCheckpoint } from '../../src/activities/workload/measurement/checkpoint-result';
import type { MeasurementCheckpoint } from '../../src/activities/workload/measurement/measurement-checkpoint';
import { PathMeasurement } from '../../src/activities/workload/measurement/path-measurement';
import { PolledPhaseLog } from '../../src/activities/workload/measurement/phase-clock';
import { MEASURED_PHASES } from '../../src/shared/experiment-phases';

const read = { name: 'active_users', type: 'read' } as const;
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const T0 = 1_000_000;
const LOG = [
  { phase: 'steady-state-before', at: T0 - 500 },
  { phase: 'warmup', at: T0 - 100 },
  { phase: 'inject', at: T0 + 1000 },
  { phase: 'fault', at: T0 + 1100 },
  { phase: 'restore', at: T0 + 2000 },
  { phase: 'audit', at: T0 + 2500 },
];

/** One operation every 50 ms in [from, to): succeeded before `failFrom`, failed from it. */
function drive(m: PathMeasurement, from: number, to: number, failFrom = Infinity): void {
  for (let t = from; t < to; t += 50) {
    const token = m.started(t - 5);
    if (t < failFrom) m.succeeded(token, read, t - 5, t, 5000);
    else m.failed(token, read, t, 1000, refused);
  }
}

const rows = (m: PathMeasurement, end: number) =>
  m.result(end, 'signal').phases.map((p) => ({
    phase: p.phase,
    attempts: p.total.attempts,
    failures: p.total.failures,
    from: Date.parse(p.startedAt) - T0,
    to: Date.parse(p.endedAt) - T0,
  }));

/** A measurement of a path started at T0, following a polled phase log (nothing heard yet). */
function following(connection = 'direct') {
  const log = new PolledPhaseLog('warmup', MEASURED_PHASES);
  return { log, m: new PathMeasurement({ connection, stallThresholdMs: 1000, phases: log, startedAt: T0 }) };
}

/** The measurement another worker takes up from `cp` at `at` (a lost worker), with its own log. */
function takenUp(cp: MeasurementCheckpoint, at: number, initial = 'warmup') {
  const log = new PolledPhaseLog(initial, MEASURED_PHASES);
  const m = new PathMeasurement(
    { connection: 'direct', stallThresholdMs: 1000, phases: log },
    { from: cp, at, cause: 'worker lost' },
  );
  return { log, m };
}

describe('phases by the workflow log (unit)', () => {
  it('an operation that ended after a change not yet heard waits, then goes to the phase it ended in', () => {
    const { log, m } = following();
    log.heard(LOG.slice(0, 2), T0 + 900);
    drive(m, T0, T0 + 1100);
    drive(m, T0 + 1100, T0 + 1400, T0 + 1100);
    m.tick(T0 + 1400); // nothing heard yet covers 900..1400: the operations wait
    log.heard(LOG.slice(0, 4), T0 + 1450);
    m.tick(T0 + 1460);
    drive(m, T0 + 1450, T0 + 2000, T0 + 1450);
    log.heard(LOG, T0 + 2600);
    drive(m, T0 + 2000, T0 + 2600);
    assert.deepEqual(rows(m, T0 + 2600), [
      { phase: 'warmup', attempts: 20, failures: 0, from: 0, to: 1000 },
      { phase: 'inject', attempts: 2, failures: 0, from: 1000, to: 1100 },
      { phase: 'fault', attempts: 17, failures: 17, from: 1100, to: 2000 },
      // The operations after the measured phases (audit) belong to the last one.
      { phase: 'restore', attempts: 12, failures: 0, from: 2000, to: 2600 },
    ]);
  });

  it('a phase no operation ended in still has its row, at the times the workflow entered it', () => {
    const { log, m } = following('proxy');
    log.heard(LOG.slice(0, 2), T0);
    drive(m, T0, T0 + 990);
    drive(m, T0 + 1150, T0 + 1500, 0);
    log.heard(LOG.slice(0, 4), T0 + 1500);
    m.tick(T0 + 1500);
    assert.deepEqual(
      rows(m, T0 + 1500).map((r) => [r.phase, r.attempts, r.from, r.to]),
      [
        ['warmup', 20, 0, 1000],
        ['inject', 0, 1000, 1100],
        ['fault', 7, 1100, 1500],
      ],
    );
  });

  it('operations still waiting are in the checkpoint, and filed by the measurement that takes it up', () => {
    const { log, m } = following();
    log.heard(LOG.slice(0, 2), T0 + 950);
    drive(m, T0, T0 + 1300, T0 + 1100);
    const cp = JSON.parse(JSON.stringify(m.checkpoint(T0 + 1300))) as MeasurementCheckpoint;
    assert.equal(cp.pending?.length, 6, 'the operations after the last answer wait in the checkpoint');
    const { log: later, m: resumed } = takenUp(cp, T0 + 1600);
    later.heard(LOG.slice(0, 4), T0 + 1700);
    resumed.tick(T0 + 1700);
    assert.deepEqual(
      rows(resumed, T0 + 1700).map((r) => [r.phase, r.attempts, r.failures]),
      [
        ['warmup', 20, 0],
        ['inject', 2, 0],
        ['fault', 4, 4],
      ],
    );
  });

  it('the final checkpoint files everything, and reads back the same', () => {
    const { log, m } = following();
    log.heard(LOG.slice(0, 2), T0 + 500);
    drive(m, T0, T0 + 2200);
    const cp = m.checkpoint(T0 + 2200, { endedAt: T0 + 2200, stoppedBy: 'signal' }, true);
    assert.equal(cp.pending, undefined);
    const again = resultFromCheckpoint(JSON.parse(JSON.stringify(cp)) as MeasurementCheckpoint);
    assert.deepEqual(
      again.phases.map((p) => [p.phase, p.total.attempts]),
      [['warmup', 44]],
      'the operations past the last answer go to the latest phase heard',
    );
  });

  it('taken up by another worker long after (the heartbeat timeout): the waiting operations wait for its log', () => {
    const { log, m } = following();
    log.heard(LOG.slice(0, 2), T0 + 950);
    drive(m, T0, T0 + 1300, T0 + 1100);
    const cp = JSON.parse(JSON.stringify(m.checkpoint(T0 + 1300))) as MeasurementCheckpoint;
    const { log: later, m: resumed } = takenUp(cp, T0 + 15_000);
    resumed.tick(T0 + 15_010); // before its first answer: 14 s after they ended, they still wait
    later.heard(LOG.slice(0, 4), T0 + 15_100);
    resumed.tick(T0 + 15_200);
    assert.deepEqual(
      rows(resumed, T0 + 15_200).map((r) => [r.phase, r.attempts]),
      [
        ['warmup', 20],
        ['inject', 2],
        ['fault', 4],
      ],
    );
  });

  it("a checkpoint written before the phase log: its last span takes its phase's entry", () => {
    const { log, m } = following();
    log.heard(LOG.slice(0, 4), T0 + 1200);
    drive(m, T0, T0 + 1100);
    m.tick(T0 + 1200);
    const old = JSON.parse(JSON.stringify(m.checkpoint(T0 + 1200))) as MeasurementCheckpoint;
    old.spans.at(-1)!.from = T0 + 1200; // the older code opened a span when it heard of the phase
    for (const span of old.spans) delete span.entered;
    const { log: later, m: resumed } = takenUp(old, T0 + 1250, 'inject');
    later.heard(LOG.slice(0, 4), T0 + 1300);
    drive(resumed, T0 + 1300, T0 + 1600);
    assert.deepEqual(
      rows(resumed, T0 + 1600).map((r) => [r.phase, r.attempts]),
      [
        ['warmup', 20],
        ['inject', 2],
        ['fault', 6],
      ],
    );
  });

  it("a moment's phase (payments): answered once the log is heard past it, in the order asked, or with what is known", async () => {
    const log = new PolledPhaseLog('warmup', MEASURED_PHASES);
    const answers: Array<[number, string]> = [];
    const ask = (t: number) => void log.phaseAt(t).then((phase) => answers.push([t - T0, phase]));
    ask(T0 + 900); // warmup, heard at T0 + 1200
    ask(T0 + 1050); // inject: started 50 ms after the workflow entered it, heard 150 ms later
    ask(T0 + 1500); // not heard yet
    await Promise.resolve();
    assert.deepEqual(answers, []);
    log.heard(LOG.slice(0, 4), T0 + 1200);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(answers, [
      [900, 'warmup'],
      [1050, 'inject'],
    ]);
    ask(T0 + 1100); // known already, but answered after the one still waiting
    log.settleWaiting(T0 + 1400); // nothing asked before T0 + 1400 still waits
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answers.length, 2, 'asked later than one still waiting: answered after it');
    log.settleWaiting(); // the end: with what is known
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(answers.slice(2), [
      [1500, 'fault'],
      [1100, 'fault'],
    ]);
  });
});
