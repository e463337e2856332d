/**
 * A target's base URL from the environment: its user and password become Basic authentication,
 * its query goes with every request, and neither is shown. Against a real node:http server, which
 * says what it received.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveHttpTarget, targetUrl } from '../../src/platform/http-targets';
import { sendRequest } from '../../src/activities/workload/http/http-request';
import { httpRequestSchema } from '../../src/shared/http-workload-schema';

describe('HTTP targets (FAULTLINE_HTTP_<NAME>)', () => {
  afterEach(() => delete process.env.FAULTLINE_HTTP_SHOP);

  it('keeps the credentials and the query out of what is shown, and sends both', async () => {
    const seen: Array<{ url: string; authorization?: string }> = [];
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url!, authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      process.env.FAULTLINE_HTTP_SHOP = `http://ann:s%40cret@127.0.0.1:${port}/api/?key=k1&region=eu`;
      const target = resolveHttpTarget('shop');
      assert.equal(target.display, `http://127.0.0.1:${port}/api`);
      assert.ok(!JSON.stringify({ ...target, authorization: undefined, query: undefined }).includes('k1'));
      assert.equal(targetUrl(target, '/orders?id=7'), `http://127.0.0.1:${port}/api/orders?id=7&key=k1&region=eu`);
      const request = httpRequestSchema.parse({ name: 'order', path: '/orders/{requestId}' });
      const outcome = await sendRequest({
        target,
        request,
        requestId: 'r-1',
        timeoutMs: 2000,
        cut: new AbortController().signal,
      });
      assert.deepEqual(outcome, { kind: 'served', status: 200 });
      assert.deepEqual(seen, [
        {
          url: '/api/orders/r-1?key=k1&region=eu',
          authorization: `Basic ${Buffer.from('ann:s@cret').toString('base64')}`,
        },
      ]);
    } finally {
      server.close();
    }
  });
});
