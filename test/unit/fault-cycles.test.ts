/** What a path saw of a fault cycle, and the notes that explain a difference from the ground truth (pure logic). */
import assert from 'node:assert/strict';
import { pathCycles, type CycleReport } from '../../src/activities/report/fault-cycles';
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
    assert.match(c!.note ?? '', /saw 5\.33 s/);
  });

  it('within 250 ms of the ground truth, either way: no note', () => {
    for (const truth of [5030 - 250, 5030 + 250]) {
      const [c] = pathCycles([cycle], [window(30, 5060, { closedByHeld: true })], T0 + 10_000, [truth]);
      assert.equal(c!.note, undefined, `truth ${truth}`);
    }
  });
});
