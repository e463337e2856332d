/** A fault's lease outlasts the inject's own landing: the watchdog never restores a fault still landing (pure logic). */
import assert from 'node:assert/strict';
import { leaseSeconds } from '../../src/activities/faults/fault-activities';
import { parseExperiment } from '../../src/shared/experiment-schema';

const faultOf = (fault: Record<string, unknown>) => parseExperiment({ name: 'lease', paths: ['direct'], fault }).fault!;
const target = { container: 'faultline-db' };

describe("a fault's lease", () => {
  it("covers a stop's grace period and the probe's waits on top of the workflow's deadline", () => {
    const stop = faultOf({ kind: 'docker', action: 'stop', target, gracePeriodSeconds: 60 });
    const seconds = leaseSeconds(stop, { deadlineSeconds: 40, paths: ['direct'], stallThresholdMs: 1000 });
    // 40 s of deadline, 60 s of grace (docker stop may wait that long), the probe: 2 x 1 s + 5 s + 1 s.
    assert.equal(seconds, 40 + 60 + 8);
  });

  it("covers a self-healing fault's wait to serve again (restart, Patroni)", () => {
    const restart = faultOf({ kind: 'docker', action: 'restart', target, gracePeriodSeconds: 1 });
    assert.ok(leaseSeconds(restart, { deadlineSeconds: 40 }) >= 40 + 1 + 180);
  });
});
