/**
 * A PostgreSQL server's side of a login, scripted: a Duplex that records what the client writes and
 * answers each message with the test's recorded server messages. Pure logic: no socket.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { Duplex } from 'node:stream';

/** One backend message: its type byte, then its length and body. */
export function backend(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

export const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
export const cstr = (...parts: string[]): Buffer => Buffer.from(parts.map((p) => `${p}\0`).join(''));

export const auth = (code: number, ...rest: Buffer[]) => backend('R', int32(code), ...rest);
export const parameterStatus = (name: string, value: string) => backend('S', cstr(name, value));
export const backendKey = (pid: number, secret: number) => backend('K', int32(pid), int32(secret));
export const ready = (status = 'I') => backend('Z', Buffer.from(status));
export const errorResponse = (severity: string, code: string, message: string) =>
  backend('E', cstr(`S${severity}`, `V${severity}`, `C${code}`, `M${message}`), Buffer.from([0]));
/** What a server sends after a successful authentication. */
export const loggedIn = (): Buffer =>
  Buffer.concat([auth(0), parameterStatus('server_version', '17.2'), backendKey(4242, 99), ready()]);

/** A client message's type and body ("" for the startup message, which has no type byte). */
export interface ClientMessage {
  type: string;
  body: Buffer;
}

export class ScriptedServer extends Duplex {
  readonly received: ClientMessage[] = [];

  /** `answer` gets each client message and returns the bytes the server sends back (chunks in turn). */
  constructor(private readonly answer: (message: ClientMessage, index: number) => Buffer[] | Buffer | undefined) {
    super();
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const first = this.received.length === 0;
    const message = first
      ? { type: '', body: chunk.subarray(4) }
      : { type: String.fromCharCode(chunk[0]!), body: chunk.subarray(5) };
    this.received.push(message);
    const reply = this.answer(message, this.received.length - 1);
    for (const part of reply === undefined ? [] : Array.isArray(reply) ? reply : [reply])
      setImmediate(() => this.push(part));
    done();
  }

  /** The server closes the connection. */
  hangUp(): void {
    this.destroy();
  }
}

/** The server's side of SCRAM-SHA-256 for one password: its first and final messages. */
export function scramServer(password: string, salt = Buffer.from('faultline-salt'), iterations = 4096) {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  let clientFirstBare = '';
  let serverFirst = '';
  return {
    first(initialResponse: Buffer): Buffer {
      // SASLInitialResponse: mechanism, int32 length, "n,,n=*,r=<nonce>"
      const end = initialResponse.indexOf(0);
      const data = initialResponse.toString('utf8', end + 5);
      clientFirstBare = data.slice(3);
      const nonce = clientFirstBare.split(',r=')[1]!;
      serverFirst = `r=${nonce}server-part,s=${salt.toString('base64')},i=${iterations}`;
      return auth(11, Buffer.from(serverFirst));
    },
    final(response: Buffer, signature?: string): Buffer {
      const clientFinal = response.toString('utf8');
      const withoutProof = clientFinal.slice(0, clientFinal.indexOf(',p='));
      const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
      const clientKey = hmac(salted, 'Client Key');
      const storedKey = createHash('sha256').update(clientKey).digest();
      const proof = Buffer.from(clientFinal.slice(clientFinal.indexOf(',p=') + 3), 'base64');
      const signatureBytes = hmac(storedKey, authMessage);
      const recovered = Buffer.from(proof.map((b, i) => b ^ signatureBytes[i]!));
      if (!createHash('sha256').update(recovered).digest().equals(storedKey))
        return errorResponse('FATAL', '28P01', 'password authentication failed for user "scripted"');
      const v = signature ?? hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
      return auth(12, Buffer.from(`v=${v}`));
    },
  };
}
