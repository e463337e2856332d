/** What a path saw of a fault cycle, and the notes that explain a difference from the ground truth (pure logic). */
import assert from 'node:assert/strict';
import { pathCycles, pathGroundTruth, type CycleReport } from '../../src/activities/report/fault-cycles';
import type { ExperimentOutcome, FaultCycle } from '../../src/shared/experiment-types';
import type { DowntimeWindow } from '../../src/shared/workload-types';

const T0 = Date.parse('2026-11-24T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const cycle: CycleReport = {
  cycle: 1,
  injectRequestedAt: at(0),
  targetDownAt: at(-10),
  restoreRequestedAt: at(5000),
  servingAgainAt: at(5300),
  groundTruthDowntimeMs: 5310,
  faultWindowMs: 5300,
  recoveredAt: at(7000),
};

const window = (start: number, end: number, more: Partial<DowntimeWindow> = {}): DowntimeWindow => ({
  start: at(start),
  end: at(end),
  durationMs: end - start,
  failures: 0,
  stalls: 3,
  ...more,
});

describe("a path's fault cycle", () => {
  it('counts the windows from a second before the injection on; held longer than new logins: the report says why', () => {
    const [c] = pathCycles(
      [cycle],
      [window(-5000, -4990), window(-500, 5100, { closedByHeld: true })],
      T0 + 10_000,
      [5200],
    );
    assert.equal(c!.detectedDowntimeMs, 5600);
    assert.equal(c!.groundTruthMs, 5200);
    assert.equal(c!.detectedMinusGroundTruthMs, 400);
    assert.match(c!.note ?? '', /every worker was held on a connection that crossed the fault \(3 stalled\)/);
  });

  it("open sessions down for less than new logins: the report says so, with the new logins' figure", () => {
    const [c] = pathCycles([cycle], [window(30, 5060, { closedByHeld: true })], T0 + 10_000, [5327]);
    assert.equal(c!.detectedDowntimeMs, 5030);
    assert.equal(c!.detectedMinusGroundTruthMs, -297);
    assert.match(c!.note ?? '', /open sessions were down 0\.30 s less than new connections/);
    assert.match(c!.note ?? '', /go unanswered for 5\.33 s/);
  });

  it('within 250 ms of the ground truth, either way: no note', () => {
    for (const truth of [5030 - 250, 5030 + 250]) {
      const [c] = pathCycles([cycle], [window(30, 5060, { closedByHeld: true })], T0 + 10_000, [truth]);
      assert.equal(c!.note, undefined, `truth ${truth}`);
    }
  });
});

/** An outcome of one cycle on `paths`: the inject's and the restore's probe records as given. */
function outcomeOf(
  paths: string[],
  injection: Partial<FaultCycle['injection']>,
  restore?: Partial<NonNullable<FaultCycle['restore']>>,
): ExperimentOutcome {
  const c: FaultCycle = {
    cycle: 1,
    injection: {
      target: { kind: 'docker', id: 'x', name: 'db', networks: [] },
      injectRequestedAt: at(0),
      targetDownAt: at(10),
      ...injection,
    },
    restore: {
      restoreRequestedAt: at(5000),
      action: 'start',
      targetRunningAt: at(5100),
      servingAgainAt: at(5310),
      ...restore,
    },
  };
  return { definition: { paths }, cycles: [c] } as unknown as ExperimentOutcome;
}

describe("each path's own ground truth", () => {
  const down = { downAt: at(10), servingAgainAt: null };
  const up = { downAt: null, servingAgainAt: at(20) };

  it("a path its probe never saw down has a ground truth of 0, never another path's, and no note", () => {
    const outcome = outcomeOf(
      ['cluster', 'direct'],
      { paths: { cluster: down, direct: up } },
      {
        paths: {
          cluster: { downAt: null, servingAgainAt: at(5310) },
          direct: { downAt: null, servingAgainAt: at(5005) },
        },
      },
    );
    assert.deepEqual(pathGroundTruth(outcome, 'cluster'), [5300]);
    assert.deepEqual(pathGroundTruth(outcome, 'direct'), [0]);
    const [c] = pathCycles([cycle], [], T0 + 10_000, pathGroundTruth(outcome, 'direct'));
    assert.equal(c!.groundTruthMs, 0);
    assert.equal(c!.detectedMinusGroundTruthMs, 0);
    assert.equal(c!.note, undefined);
  });

  it("no probe ran for a path (an RDS fault, an older history of several paths): none, not the cycle's figure", () => {
    const outcome = outcomeOf(['cluster', 'direct'], { paths: { cluster: down } });
    assert.deepEqual(pathGroundTruth(outcome, 'direct'), [null]);
    const [c] = pathCycles([cycle], [window(0, 5000)], T0 + 10_000, pathGroundTruth(outcome, 'direct'));
    assert.equal(c!.groundTruthMs, null);
    assert.equal(c!.detectedMinusGroundTruthMs, null);
    assert.equal(c!.note, undefined);
  });

  it("an older history of one path, without per-path records, keeps the cycle's figure: it was that path's", () => {
    const outcome = outcomeOf(['direct'], {});
    assert.deepEqual(pathGroundTruth(outcome, 'direct'), [5300]);
  });

  it("seen down only by the restore's probe: when it went down is unknown, so no figure", () => {
    const outcome = outcomeOf(
      ['cluster', 'direct'],
      { paths: { cluster: down, direct: up } },
      {
        paths: {
          cluster: { downAt: null, servingAgainAt: at(5310) },
          direct: { downAt: at(5000), servingAgainAt: at(5400) },
        },
      },
    );
    assert.deepEqual(pathGroundTruth(outcome, 'direct'), [null]);
  });

  it("served again while the inject's probe watched (glitches under loss): the windows it saw, added up, not their span", () => {
    const outcome = outcomeOf(['direct'], {
      paths: { direct: { downAt: at(10), servingAgainAt: at(3000), downMs: 120 } },
    });
    assert.deepEqual(pathGroundTruth(outcome, 'direct'), [120]);
  });

  it('down when the probe stopped, after a blip: the blip and the outage from its own start, not from the blip', () => {
    const outcome = outcomeOf(
      ['proxy'],
      {
        paths: {
          proxy: { downAt: at(10), servingAgainAt: null, downMs: 2190, downSince: at(1000), downBeforeMs: 190 },
        },
      },
      { paths: { proxy: { downAt: null, servingAgainAt: at(5310) } } },
    );
    assert.deepEqual(pathGroundTruth(outcome, 'proxy'), [190 + 4310]);
  });

  it("seen down by the restore's probe only while the restore acted (its own blip): that blip, not unknown", () => {
    const outcome = outcomeOf(
      ['direct'],
      { paths: { direct: { downAt: null, servingAgainAt: at(20) } } },
      {
        paths: { direct: { downAt: at(5000), servingAgainAt: at(5060), downMs: 60 } },
      },
    );
    assert.deepEqual(pathGroundTruth(outcome, 'direct'), [60]);
  });
});
