/**
 * The HTTP workload's open loop against a real HTTP server (node:http on 127.0.0.1) that stalls,
 * then refuses, then serves: no request is omitted while the server stalls (coordinated omission),
 * latency and downtime are timed from when each request was due, refusals are counted apart from
 * failures, and the counts equal the server's own.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runHttpLoad, newFigures } from '../../src/activities/workload/http/http-load';
import { PathMeasurement } from '../../src/activities/workload/measurement/path-measurement';
import { startTicker } from '../../src/activities/workload/engine/workload-engine';
import { httpWorkloadSchema } from '../../src/shared/http-workload-schema';

const RATE = 50;
const RUN_MS = 4000;

/**
 * Serves 200, but requests arriving in `stall` (ms after it started) are held until its end (then
 * served), and those arriving in `refuse` get 503 with Retry-After at once.
 */
async function server(stall: [number, number], refuse: [number, number]) {
  const t0 = Date.now();
  const counts = { served: 0, refused: 0 };
  const s = http.createServer((req, res) => {
    req.resume();
    const at = Date.now() - t0;
    const serve = () => {
      counts.served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    if (at >= stall[0] && at < stall[1]) setTimeout(serve, stall[1] - at);
    else if (at >= refuse[0] && at < refuse[1]) {
      counts.refused++;
      res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":"down"}');
    } else serve();
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { t0, counts, port: (s.address() as AddressInfo).port, close: () => s.close() };
}

async function measure(port: number, maxInFlight: number) {
  const settings = httpWorkloadSchema.parse({
    targets: ['local'],
    ratePerSecond: RATE,
    maxInFlight,
    timeoutMs: 5000,
    requests: [{ name: 'ping', path: '/ping', refused: [{ status: 503, retryAfter: true }], json: true }],
  });
  const target = { name: 'local', baseUrl: `http://127.0.0.1:${port}`, display: `http://127.0.0.1:${port}` };
  const measurement = new PathMeasurement({ connection: 'local', stallThresholdMs: 1000, startedAt: Date.now() });
  const ticker = startTicker(measurement, undefined);
  const stop = new AbortController();
  const figures = newFigures(target, settings);
  setTimeout(() => stop.abort(), RUN_MS);
  await runHttpLoad({ target, settings, measurement, prefix: 'test', stop: stop.signal, figures });
  ticker.stop();
  return { result: measurement.result(Date.now(), 'signal'), figures };
}

describe('HTTP open loop (real HTTP server)', function () {
  this.timeout(20_000);

  it('sends every due request through a stall, times it from when it was due, counts refusals apart', async () => {
    const srv = await server([1000, 2500], [3000, 3500]);
    try {
      const { result, figures } = await measure(srv.port, 200);
      const total = result.overall.total;
      // At 50/s for 4 s: 200 due, the stall notwithstanding (one more or less at the edges).
      assert.ok(Math.abs(total.attempts - (RUN_MS / 1000) * RATE) <= 2, `attempts ${total.attempts}`);
      assert.equal(total.successes, srv.counts.served, 'served as the server counted');
      assert.equal(total.refused, srv.counts.refused, 'refused as the server counted');
      assert.ok(srv.counts.refused >= 20, `refused ${srv.counts.refused}`);
      assert.equal(total.failures, 0);
      assert.equal(figures.capReached, 0);
      // Two windows: the stall, from the first request due in it to its end (the held ones served
      // then); the refusals, to the first request served after them.
      const at = (iso: string | null) => Date.parse(iso!) - srv.t0;
      const [stalled, refused, ...more] = result.downtime.windows;
      assert.equal(more.length, 0, JSON.stringify(result.downtime.windows));
      assert.ok(Math.abs(at(stalled!.start) - 1000) <= 40, `stall window starts at +${at(stalled!.start)} ms`);
      assert.ok(Math.abs(at(stalled!.end) - 2500) <= 60, `stall window ends at +${at(stalled!.end)} ms`);
      assert.ok(Math.abs(at(refused!.start) - 3000) <= 40, `refusal window starts at +${at(refused!.start)} ms`);
      assert.ok(Math.abs(at(refused!.end) - 3500) <= 60, `refusal window ends at +${at(refused!.end)} ms`);
      // The first request held by the stall waited ~1.5 s: timed from when it was due.
      assert.ok(total.latencyMs.max! >= 1400, `max latency ${total.latencyMs.max} ms`);
    } finally {
      srv.close();
    }
  });

  it('at the cap on requests in flight, waits for a slot and counts it, and still omits no request', async () => {
    const srv = await server([1000, 2500], [0, 0]);
    try {
      const { result, figures } = await measure(srv.port, 5);
      assert.ok(figures.capReached >= 1, `cap reached ${figures.capReached} times`);
      assert.ok(figures.waitedForSlot >= 1);
      const total = result.overall.total;
      assert.ok(Math.abs(total.attempts - (RUN_MS / 1000) * RATE) <= 2, `attempts ${total.attempts}`);
      assert.equal(total.successes, srv.counts.served);
      // Requests due during the stall but sent after it are still timed from when they were due.
      assert.ok(total.latencyMs.max! >= 900, `max latency ${total.latencyMs.max} ms`);
      assert.equal(result.downtime.windows.length, 1, JSON.stringify(result.downtime.windows));
    } finally {
      srv.close();
    }
  });
});
