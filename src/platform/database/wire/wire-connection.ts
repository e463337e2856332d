/**
 * A workload worker's connection, opened end to end on public packages: the socket from the
 * config's `stream` factory (fast-failing-socket.ts: the TCP connect timeout) or a plain one, TLS
 * if the config asks (SSLRequest, then tls.connect over the socket, as pg), the login
 * (wire-login.ts), all under `connectionTimeoutMillis`; then a wire session on the socket it owns.
 * Failures read as pg's: the socket's own error (ECONNREFUSED, ETIMEDOUT), "timeout expired" for
 * the connect timeout, the server's DatabaseError, "Connection terminated unexpectedly".
 */
import { isIP, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import { serialize } from 'pg-protocol';
import { logIn } from './wire-login';
import { WireSession, type WireSessionOptions } from './wire-session';
import { wireTarget, type WireTarget } from './wire-target';

/** Resolves when the socket connects; rejects with its error, or if it closes first. */
function connected(socket: Socket, target: WireTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => (off(), reject(err));
    const closed = () => fail(new Error('Connection terminated unexpectedly'));
    const ok = () => (off(), resolve());
    const off = () => socket.off('error', fail).off('close', closed).off('connect', ok);
    socket.once('error', fail).once('close', closed).once('connect', ok);
    socket.setNoDelay(true);
    if (target.host.startsWith('/')) socket.connect(`${target.host}/.s.PGSQL.${target.port}`);
    else socket.connect(target.port, target.host);
  });
}

/** The server's one-byte answer to SSLRequest: 'S' goes on with TLS; anything else is refused, as pg. */
export function sslAnswer(socket: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => (off(), reject(err));
    const closed = () => fail(new Error('Connection terminated unexpectedly'));
    const answer = (chunk: Buffer) => {
      off();
      if (chunk.length === 1 && chunk[0] === 0x53) return resolve(); // 'S'
      socket.end();
      reject(
        new Error(
          chunk[0] === 0x4e // 'N'
            ? 'The server does not support SSL connections'
            : 'There was an error establishing an SSL connection',
        ),
      );
    };
    const off = () => socket.off('error', fail).off('close', closed).off('data', answer);
    socket.once('error', fail).once('close', closed).once('data', answer);
    socket.write(serialize.requestSsl());
  });
}

/** TLS over the connected socket, with the config's options, as pg's upgradeToSSL. */
function secured(socket: Socket, target: WireTarget): Promise<Socket> {
  const options: ConnectionOptions = { socket, host: target.host };
  if (target.ssl !== true && target.ssl !== false) Object.assign(options, target.ssl);
  if (isIP(target.host) === 0) options.servername = target.host; // no SNI for an IP address (RFC 6066)
  const secure = tlsConnect(options);
  socket.on('error', (err) => secure.destroy(err));
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => (off(), reject(err));
    const closed = () => fail(new Error('Connection terminated unexpectedly'));
    const ok = () => (off(), resolve(secure));
    const off = () => secure.off('error', fail).off('close', closed).off('secureConnect', ok);
    secure.once('error', fail).once('close', closed).once('secureConnect', ok);
  });
}

function newSocket(config: ClientConfig): Socket {
  const made: unknown = config.stream ? (config.stream as (c: ClientConfig) => unknown)(config) : new Socket();
  if (!(made instanceof Socket)) throw new Error("the config's stream must make a net.Socket");
  return made;
}

/**
 * Opens a connection and logs in; the session owns its socket. Errors are the connect's (the socket
 * is destroyed). An 'error' listener is on the socket at every moment, so none goes unhandled.
 */
export async function openWireSession(config: ClientConfig, options: WireSessionOptions = {}): Promise<WireSession> {
  const target = wireTarget(config);
  const raw = newSocket(config);
  let socket = raw;
  const guard = () => undefined; // errors are the steps' rejections; this keeps any from being unhandled
  raw.on('error', guard);
  const timeoutMs = config.connectionTimeoutMillis ?? 0;
  const timer = timeoutMs > 0 ? setTimeout(() => socket.destroy(new Error('timeout expired')), timeoutMs) : undefined;
  try {
    await connected(socket, target);
    if (config.keepAlive) socket.setKeepAlive(true, config.keepAliveInitialDelayMillis ?? 0);
    if (target.ssl) {
      await sslAnswer(socket);
      socket = await secured(socket, target);
      socket.on('error', guard);
    }
    const login = await logIn(socket, target);
    socket.off('error', guard);
    return new WireSession(socket, { ...options, received: login.rest, processId: login.processId });
  } catch (err) {
    socket.destroy();
    raw.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
