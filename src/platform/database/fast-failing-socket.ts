/**
 * A socket for pg whose TCP handshake (only) must complete within `timeoutMs`. A SYN lost while a
 * server's port comes back costs the kernel's 1 s retransmit; failing the handshake early and trying
 * again sees the server as soon as it accepts. The login and the queries keep their own timeouts: a
 * client that gave up on logins to a paused server would leave a dead connection in its accept queue
 * at every attempt, and the server's first moments back would go to forking backends for them.
 */
import { Socket } from 'node:net';

export const DEFAULT_TCP_CONNECT_TIMEOUT_MS = 250;

export function fastFailingSocket(timeoutMs = DEFAULT_TCP_CONNECT_TIMEOUT_MS): () => Socket {
  return () => {
    const socket = new Socket();
    // After the event loop was blocked, this timer runs before the I/O that came in meanwhile: the
    // handshake may have completed during the block. Decide after that I/O has been read.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!socket.connecting) return;
          socket.destroy(
            Object.assign(new Error(`TCP connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
          );
        }),
      timeoutMs,
    );
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
}
