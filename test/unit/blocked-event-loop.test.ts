/**
 * A block of faultline's own event loop is not the server's outage: after a block, a timer runs
 * before the I/O that came in meanwhile, so the TCP connect timeout decides only after that I/O has
 * been read. A loopback server accepts at once while this process is blocked past the timeout.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { fastFailingSocket } from '../../src/platform/database/fast-failing-socket';

const block = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: nothing else of this process runs
  }
};

describe('a blocked event loop is not a down server (unit, loopback)', () => {
  it('a handshake that completed while the process was blocked past the TCP connect timeout connects', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const socket = fastFailingSocket(100)();
      const outcome = new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.once('error', (err) => resolve(err.message));
      });
      socket.connect((server.address() as AddressInfo).port, '127.0.0.1');
      block(400); // the kernel completes the handshake meanwhile; the timer is due first
      assert.equal(await outcome, 'connected');
      socket.destroy();
    } finally {
      server.close();
    }
  });
});
