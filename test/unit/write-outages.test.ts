/** Issue 15 (pure logic): a path's write outages, from a failed write to the first write started after it that succeeded. */
import assert from 'node:assert/strict';
import { WriteOutages } from '../../src/activities/workload/write-outages';

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
});
