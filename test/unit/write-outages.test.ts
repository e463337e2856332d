/** A path's write outages, from a failed write to the first write started after it that succeeded. */
import assert from 'node:assert/strict';
import { WriteOutages } from '../../src/activities/workload/measurement/write-outages';

describe('write outages', () => {
  it('opens at a failed write and closes at the first success that started after it', () => {
    const w = new WriteOutages();
    w.succeeded(0, 10);
    w.failed(100);
    w.failed(150);
    w.succeeded(50, 200); // started before the outage: proves nothing about the writer now
    assert.equal(w.snapshot()[0]!.end, null);
    w.succeeded(120, 300);
    const [outage] = w.snapshot();
    assert.deepEqual(outage, { start: new Date(100).toISOString(), end: new Date(300).toISOString(), failures: 2 });
  });

  it('survives a checkpoint, open window included, and stays bounded', () => {
    const w = new WriteOutages();
    for (let i = 0; i < 500; i++) {
      w.failed(i * 10);
      w.succeeded(i * 10 + 1, i * 10 + 5);
    }
    w.failed(10_000);
    const resumed = new WriteOutages(w.snapshot());
    assert.equal(resumed.snapshot().length, 200);
    assert.equal(resumed.snapshot().at(-1)!.end, null, 'the window open at the checkpoint is still open');
    resumed.succeeded(10_001, 10_050);
    assert.equal(resumed.snapshot().at(-1)!.end, new Date(10_050).toISOString());
  });

  it('a write held past the stall threshold, then served, is an outage from its start to its completion', () => {
    const w = new WriteOutages(undefined, 1000);
    w.succeeded(0, 999); // slow, not held
    assert.deepEqual(w.snapshot(), []);
    w.succeeded(100, 5000); // held through a failover by a pooler
    w.succeeded(150, 5010); // another, held through the same one
    w.succeeded(5020, 5030);
    // Ends at the last held write served; the first of them was served at 5000.
    assert.deepEqual(w.snapshot(), [
      {
        start: new Date(100).toISOString(),
        end: new Date(5010).toISOString(),
        failures: 0,
        held: 2,
        firstServedAt: new Date(5000).toISOString(),
      },
    ]);
    // Failures and held writes in one outage: the held write that started after it opened closes it.
    w.failed(9000);
    w.succeeded(8500, 12_000); // started before the outage opened: proves nothing about it
    w.succeeded(9100, 12_100);
    assert.deepEqual(w.snapshot()[1], {
      start: new Date(9000).toISOString(),
      end: new Date(12_100).toISOString(),
      failures: 1,
      held: 1,
    });
    assert.equal(new WriteOutages(w.snapshot(), 1000).snapshot()[1]!.held, 1, 'held counts survive a checkpoint');
  });
});
