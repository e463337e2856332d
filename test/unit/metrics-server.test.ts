/**
 * The worker's `/metrics` endpoint serves its registry with the registry's content
 * type, answers 404 elsewhere, and a port already taken leaves the worker running without it.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { startMetricsServer, type MetricsServer } from '../../src/worker/metrics-server';

describe('metrics server (unit)', () => {
  const registry = new Registry();
  new Counter({ name: 'faultline_test_total', help: 'a test counter', registers: [registry] }).inc(3);
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves GET /metrics, 404 otherwise', async () => {
    server = await startMetricsServer(registry, 0);
    assert.ok(server, 'listening on a port of the system');
    const base = `http://127.0.0.1:${server.port}`;
    const metrics = await fetch(`${base}/metrics`);
    assert.equal(metrics.status, 200);
    assert.equal(metrics.headers.get('content-type'), registry.contentType);
    assert.match(await metrics.text(), /^faultline_test_total 3$/m);
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 404);
  });

  it('runs without metrics when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const address = taken.address();
      assert.ok(address && typeof address === 'object');
      server = await startMetricsServer(registry, address.port);
      assert.equal(server, undefined);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('closes with a scraper still connected (keep-alive)', async () => {
    server = await startMetricsServer(registry, 0);
    assert.ok(server);
    await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { keepalive: true })).text();
    const closed = server.close();
    server = undefined;
    await closed;
  });
});
