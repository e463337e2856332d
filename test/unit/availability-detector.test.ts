/** The availability detector on synthetic operation streams, judged by the reference definition. */
import assert from 'node:assert/strict';
import { AvailabilityDetector } from '../../src/activities/workload/measurement/availability-detector';
import { referenceTotalMs, referenceWindows, type Attempt } from '../reference/availability-reference';

const T = 1000;

/** Feeds a detector the attempts in time order, ticking every 50 ms as the engine does; returns it. */
function replay(
  attempts: Attempt[],
  until: number,
  onTick?: (d: AvailabilityDetector, now: number) => void,
): AvailabilityDetector {
  const detector = new AvailabilityDetector({ stallThresholdMs: T });
  type Event = { at: number; order: number; run: () => void };
  const tokens = new Map<Attempt, number>();
  const events: Event[] = [];
  for (const a of attempts) {
    events.push({ at: a.start, order: 0, run: () => tokens.set(a, detector.started(a.start)) });
    if (a.end !== null && a.end <= until) {
      events.push({
        at: a.end,
        order: 2,
        run: () => (a.ok ? detector.succeeded(tokens.get(a)!, a.end!) : detector.failed(tokens.get(a)!, a.end!)),
      });
    }
  }
  for (let t = 0; t <= until; t += 50)
    events.push({
      at: t,
      order: 1,
      run: () => {
        detector.tick(t);
        onTick?.(detector, t);
      },
    });
  events.sort((x, y) => x.at - y.at || x.order - y.order);
  for (const e of events) e.run();
  return detector;
}

/** Workers in a closed loop: each issues an operation, waits for it, thinks, and goes on. */
function closedLoop(
  workers: number,
  until: number,
  outcome: (start: number, worker: number) => { latency: number; ok: boolean },
  think = (w: number) => 80 + w * 17,
): Attempt[] {
  const attempts: Attempt[] = [];
  for (let w = 0; w < workers; w++) {
    let t = w * 13;
    while (t < until) {
      const { latency, ok } = outcome(t, w);
      const end = t + latency;
      attempts.push({ start: t, end: end > until ? null : end, ok });
      t = end + think(w);
    }
  }
  return attempts;
}

function assertMatchesReference(attempts: Attempt[], until: number): AvailabilityDetector {
  const detector = replay(attempts, until);
  const expected = referenceWindows(attempts, T, until);
  const actual = detector.snapshot().windows.map((w) => ({ start: w.start, end: w.end }));
  assert.deepEqual(actual, expected);
  assert.equal(detector.totalMs(until), referenceTotalMs(expected, until));
  return detector;
}

describe('availability detector (unit)', () => {
  it('held then succeeded: a paused server is down from the first held operation until they complete', () => {
    // Paused from 1000 to 5000: operations that reach it wait, and all complete at 5000 + 2 ms.
    const attempts = closedLoop(3, 8000, (start) =>
      start < 1000 && start + 5 <= 1000
        ? { latency: 5, ok: true }
        : start < 5000
          ? { latency: 5002 - start, ok: true }
          : { latency: 5, ok: true },
    );
    let downAt3000 = false;
    const detector = replay(attempts, 8000, (d, now) => {
      if (now === 3000) downAt3000 = d.down && d.live(now).stalled > 0;
    });
    assert.ok(downAt3000, 'down during the stall, before anything completed');
    const [w, ...rest] = detector.snapshot().windows;
    assert.equal(rest.length, 0);
    const firstHeld = Math.min(...attempts.filter((a) => a.end! - a.start >= T).map((a) => a.start));
    assert.equal(w!.start, firstHeld);
    assert.equal(w!.end, 5002);
    assert.ok(w!.end! - w!.start >= 3900, `held time counts as downtime (${w!.end! - w!.start} ms)`);
    assertMatchesReference(attempts, 8000);
  });

  it('failed: a stopped server is down from the first failing operation to the first success after it', () => {
    const attempts = closedLoop(3, 6000, (start) =>
      start >= 1000 && start < 3000 ? { latency: 1, ok: false } : { latency: 4, ok: true },
    );
    const detector = assertMatchesReference(attempts, 6000);
    const [w] = detector.snapshot().windows;
    assert.ok(w!.start >= 1000 && w!.start < 1200);
    assert.ok(w!.end! >= 3004 && w!.end! < 3300);
    assert.ok(w!.failures > 10);
  });

  it('slow but below the threshold: never a window', () => {
    const attempts = closedLoop(3, 5000, (start) => ({ latency: start > 1000 && start < 3000 ? 990 : 3, ok: true }));
    const detector = replay(attempts, 5000);
    assert.deepEqual(detector.snapshot().windows, []);
    assert.equal(detector.totalMs(5000), 0);
  });

  it('interleaved workers: one operation stuck on a lock while the others complete is only a short window', () => {
    const attempts = closedLoop(3, 5000, (start, worker) => ({
      latency: worker === 0 && start >= 1000 && start < 1100 ? 1500 : 3,
      ok: true,
    }));
    const detector = assertMatchesReference(attempts, 5000);
    const total = detector.totalMs(5000);
    assert.ok(total > 0 && total < 200, `a short window, not 1.5 s (${total} ms)`);
  });

  it('open at the end: a stall that outlasts the measurement is reported open, counted to the end', () => {
    const attempts = closedLoop(2, 4000, (start) =>
      start < 2000 ? { latency: 3, ok: true } : { latency: 10_000, ok: true },
    );
    const detector = assertMatchesReference(attempts, 4000);
    const windows = detector.snapshot().windows;
    assert.equal(windows.length, 1);
    assert.equal(windows[0]!.end, null);
    assert.ok(detector.down);
    assert.ok(detector.totalMs(4000) >= 1900);
  });

  it('repeated cycles: two outages are two windows, each with its own span', () => {
    const down = (t: number) => (t >= 1000 && t < 2000) || (t >= 4000 && t < 4500);
    const attempts = closedLoop(3, 7000, (start) =>
      down(start) ? { latency: 2, ok: false } : { latency: 3, ok: true },
    );
    const detector = assertMatchesReference(attempts, 7000);
    const windows = detector.snapshot().windows;
    assert.equal(windows.length, 2);
    assert.ok(windows[0]!.end! < 4000 && windows[1]!.start >= 4000);
  });

  it('a failure known late (a long operation) still dates its window from its start', () => {
    const attempts: Attempt[] = [
      { start: 0, end: 10, ok: true },
      { start: 100, end: 3100, ok: false }, // timed out after 3 s
      { start: 150, end: 3050, ok: true }, // held 2.9 s
      { start: 3200, end: 3205, ok: true },
    ];
    assertMatchesReference(attempts, 4000);
  });

  it('matches the reference definition on random streams', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 200; run++) {
      const until = 10_000;
      const outages = Array.from({ length: 3 }, () => {
        const from = random() * until;
        return { from, to: from + random() * 3000, kind: random() < 0.5 ? 'stall' : 'fail' };
      });
      const attempts = closedLoop(
        1 + Math.floor(random() * 5),
        until,
        (start) => {
          const o = outages.find((x) => start >= x.from && start < x.to);
          if (!o) return { latency: Math.round(random() * (random() < 0.05 ? 1500 : 20)), ok: random() > 0.01 };
          return o.kind === 'fail'
            ? { latency: Math.round(random() * 5), ok: false }
            : { latency: Math.round(o.to - start + random() * 3), ok: random() > 0.3 };
        },
        () => Math.round(random() * 300),
      );
      assertMatchesReference(attempts, until);
    }
  });
});

describe('the stall threshold is per round trip', () => {
  it('an operation of many round trips, each answered within the threshold, is slow, not a stall', () => {
    const d = new AvailabilityDetector({ stallThresholdMs: T });
    const op = d.started(0);
    for (let at = 400; at <= 2400; at += 400) {
      d.tick(at);
      d.answered(op, at);
    }
    d.tick(2500);
    assert.equal(d.down, false, 'six round trips of 400 ms: never down');
    assert.equal(d.succeeded(op, 2600), false, 'and not held');
    assert.equal(d.snapshot().windows.length, 0);
  });

  it("one round trip unanswered past the threshold is a stall from the operation's start", () => {
    const d = new AvailabilityDetector({ stallThresholdMs: T });
    const op = d.started(0);
    d.answered(op, 300);
    d.tick(1250);
    assert.equal(d.down, false, 'waiting 950 ms since the last answer: not yet');
    d.tick(1350);
    assert.equal(d.down, true, 'waiting 1050 ms: a stall');
    const other = d.started(1400);
    d.succeeded(other, 1450);
    assert.equal(d.succeeded(op, 1500), true, 'held');
    assert.deepEqual(
      d.snapshot().windows.map((w) => [w.start, w.end]),
      [[0, 1450]],
    );
  });
});
