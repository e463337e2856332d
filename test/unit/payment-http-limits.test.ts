/**
 * The payment API's HTTP server does not keep Node's defaults (60 s for the
 * headers, 300 s for the request, no connection cap). The real server (createPaymentApi, on an
 * in-memory store) with small limits: a request trickled slower than the header or the request
 * timeout gets 408 and is closed, an idle connection is closed after the header timeout or, after
 * an answer, the keep-alive one, and the connections beyond the cap are closed at once.
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import pino from 'pino';
import { createPaymentApi } from '../../src/service/http-api';
import type { HttpLimits } from '../../src/service/http-limits';
import { serviceSettings } from '../../src/service/service-settings';
import { MemoryPaymentStore } from './harness/memory-payment-store';

const silent = pino({ level: 'silent' });

/** A raw connection: what the server sent, and when (ms after `opened`) it closed it. */
interface Raw {
  socket: net.Socket;
  opened: number;
  received: () => string;
  closed: Promise<number>;
}

async function connect(port: number): Promise<Raw> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const opened = Date.now();
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  const closed = new Promise<number>((resolve) => {
    socket.on('error', () => undefined); // a reset is a close too
    socket.once('close', () => resolve(Date.now() - opened));
  });
  return { socket, opened, received: () => data, closed };
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(raw: Raw, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (raw.socket.destroyed || i >= text.length) return clearInterval(timer);
    raw.socket.write(text[i++]!);
  }, everyMs);
  void raw.closed.then(() => clearInterval(timer));
}

const within = (ms: number, promise: Promise<number>) =>
  Promise.race([promise, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), ms))]);

describe('payment API: timeouts and a connection cap, not Node’s defaults (issue 25)', () => {
  let server: http.Server;
  let port = 0;
  const open: Raw[] = [];
  const start = async (limits: HttpLimits) => {
    server = createPaymentApi(new MemoryPaymentStore(), silent, undefined, limits);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const raw = async () => {
    const r = await connect(port);
    open.push(r);
    return r;
  };
  afterEach(async () => {
    for (const r of open.splice(0)) r.socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a request whose headers trickle in slower than headersTimeout gets 408 and is closed', async () => {
    await start({ headersTimeoutMs: 400, requestTimeoutMs: 5000, keepAliveTimeoutMs: 5000, maxConnections: 10 });
    const r = await raw();
    trickle(r, 'GET /health HTTP/1.1\r\nHost: payment-service\r\nX-Slow: ' + 'a'.repeat(200) + '\r\n\r\n', 20);
    const closedAfter = await within(3000, r.closed);
    assert.ok(closedAfter >= 350 && closedAfter < 1500, `closed after ${closedAfter} ms`);
    assert.match(r.received(), /^HTTP\/1\.1 408 /);
  });

  it('a request whose body trickles in slower than requestTimeout gets 408 and is closed', async () => {
    await start({ headersTimeoutMs: 300, requestTimeoutMs: 700, keepAliveTimeoutMs: 5000, maxConnections: 10 });
    const r = await raw();
    const head = 'POST /payments HTTP/1.1\r\nHost: p\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
    r.socket.write(head);
    trickle(r, ' '.repeat(200), 20);
    const closedAfter = await within(3000, r.closed);
    assert.ok(closedAfter >= 650 && closedAfter < 1800, `closed after ${closedAfter} ms`);
    assert.match(r.received(), /^HTTP\/1\.1 408 /);
  });

  it('connections beyond maxConnections are closed at once; idle ones after headersTimeout', async () => {
    await start({ headersTimeoutMs: 1000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 5000, maxConnections: 4 });
    const held: Raw[] = [];
    for (let i = 0; i < 4; i++) held.push(await raw());
    for (let n = 0; n !== 4; await new Promise((resolve) => setTimeout(resolve, 10)))
      n = await new Promise<number>((resolve) => server.getConnections((_err, count) => resolve(count)));
    const extra = await Promise.all(Array.from({ length: 6 }, raw));
    const extraClosed = await Promise.all(extra.map((r) => within(500, r.closed)));
    assert.ok(
      extraClosed.every((ms) => ms < 500),
      `the connections over the cap closed after ${extraClosed.join(', ')} ms`,
    );
    assert.ok(
      extra.every((r) => r.received() === ''),
      'nothing answered over the cap',
    );
    const heldClosed = await Promise.all(held.map((r) => within(3000, r.closed)));
    assert.ok(
      heldClosed.every((ms) => ms >= 900 && ms < 2000),
      `idle connections closed after ${heldClosed.join(', ')} ms`,
    );
  });

  it('a kept-alive connection idle after its answer is closed after keepAliveTimeout', async () => {
    await start({ headersTimeoutMs: 2000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 300, maxConnections: 10 });
    const r = await raw();
    r.socket.write('GET /health HTTP/1.1\r\nHost: payment-service\r\n\r\n');
    while (!r.received().includes('healthy')) await new Promise((resolve) => setTimeout(resolve, 5));
    const answeredAt = Date.now();
    assert.match(r.received(), /^HTTP\/1\.1 200 /);
    const idleFor = r.opened + (await within(3000, r.closed)) - answeredAt;
    // Node keeps it a second more than it tells the client (Keep-Alive: timeout), so the client closes first.
    assert.ok(idleFor >= 250 && idleFor < 2500, `closed ${idleFor} ms after its answer`);
  });

  it('are settings with defaults, each checked and named', () => {
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (/^FAULTLINE_SERVICE_/.test(key)) delete process.env[key];
    try {
      assert.deepEqual(serviceSettings().http, {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 5_000,
        maxConnections: 512,
      });
      process.env.FAULTLINE_SERVICE_MAX_CONNECTIONS = '64';
      process.env.FAULTLINE_SERVICE_KEEPALIVE_TIMEOUT_MS = '2000';
      assert.equal(serviceSettings().http.maxConnections, 64);
      assert.equal(serviceSettings().http.keepAliveTimeoutMs, 2000);
      process.env.FAULTLINE_SERVICE_MAX_CONNECTIONS = '0';
      assert.throws(() => serviceSettings(), /FAULTLINE_SERVICE_MAX_CONNECTIONS must be a whole number/);
      delete process.env.FAULTLINE_SERVICE_MAX_CONNECTIONS;
      process.env.FAULTLINE_SERVICE_HEADERS_TIMEOUT_MS = '40000';
      assert.throws(() => serviceSettings(), /HEADERS_TIMEOUT_MS \(40000\) must be <= .*REQUEST_TIMEOUT_MS \(30000\)/);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
