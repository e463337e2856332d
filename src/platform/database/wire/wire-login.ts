/**
 * A workload connection's login on a connected socket (plain or TLS, wire-connection.ts): the
 * StartupMessage, the password exchange the server asks for, then the session's parameters up to
 * the first ReadyForQuery. The messages out are pg-protocol's own serializer's.
 *
 *   supported  AuthenticationOk (trust), cleartext password, MD5, SASL SCRAM-SHA-256 (scram.ts)
 *   refused    SCRAM-SHA-256-PLUS only, Kerberos, GSSAPI, SSPI: an error naming the method
 *
 * It settles with the first error the server sent (pg's DatabaseError: 28P01, 57P03, ...), or the
 * socket's, or "Connection terminated unexpectedly" if the socket ends before ReadyForQuery, as pg.
 * Protocol: https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 */
import type { Duplex } from 'node:stream';
import { serialize } from 'pg-protocol';
import {
  md5PasswordHash,
  SCRAM_MECHANISM,
  scramClientFinal,
  scramClientFirst,
  verifyScramServerFinal,
  type ScramClientFinal,
  type ScramClientFirst,
} from './scram';
import { decodeError } from './wire-messages';
import type { WireTarget } from './wire-target';

export interface LoggedIn {
  /** Bytes that came after the ReadyForQuery, for the session to read first. */
  rest: Buffer | undefined;
  parameters: Record<string, string>;
  processId: number;
  secretKey: number;
}

const AUTH = { ok: 0, cleartext: 3, md5: 5, sasl: 10, saslContinue: 11, saslFinal: 12 };
const READY_FOR_QUERY = 0x5a;
const AUTH_NAMES: Record<number, string> = { 2: 'KerberosV5', 7: 'GSSAPI', 8: 'GSSAPI', 9: 'SSPI' };

/** The CStrings of a body, up to its empty one (SASL's mechanisms, ParameterStatus's name and value). */
function cstrings(body: Buffer, from: number): string[] {
  const out: string[] = [];
  for (let at = from; at < body.length && body[at] !== 0;) {
    const end = body.indexOf(0, at);
    out.push(body.toString('utf8', at, end < 0 ? body.length : end));
    at = end < 0 ? body.length : end + 1;
  }
  return out;
}

class Login {
  private leftover: Buffer | undefined;
  private first: ScramClientFirst | undefined;
  private final: ScramClientFinal | undefined;
  /** Password answers are asynchronous: messages wait behind the one being answered. */
  private queue: Promise<void> = Promise.resolve();
  private done = false;
  /** The splitter saw ReadyForQuery: what follows is the session's. */
  private ready = false;
  /** The server's SCRAM signature matched. */
  private verified = false;
  private readonly result: LoggedIn = { rest: undefined, parameters: {}, processId: 0, secretKey: 0 };

  constructor(
    private readonly socket: Duplex,
    private readonly target: WireTarget,
    private readonly resolve: (value: LoggedIn) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  readonly onData = (chunk: Buffer): void => {
    if (this.ready) {
      // After ReadyForQuery, before the login settles: the session's, not the login's.
      this.result.rest = this.result.rest ? Buffer.concat([this.result.rest, chunk]) : chunk;
      return;
    }
    const data = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk;
    let at = 0;
    while (data.length - at >= 5) {
      const end = at + 1 + data.readInt32BE(at + 1);
      if (end > data.length) break;
      const type = data[at]!;
      const body = data.subarray(at + 5, end);
      this.queue = this.queue.then(() => this.message(type, body)).catch((err: unknown) => this.fail(err));
      at = end;
      if (type === READY_FOR_QUERY) {
        this.ready = true;
        this.result.rest = at < data.length ? data.subarray(at) : undefined;
        return;
      }
    }
    this.leftover = at < data.length ? data.subarray(at) : undefined;
  };

  readonly onError = (err: unknown): void => this.fail(err);
  readonly onClose = (): void => this.fail(new Error('Connection terminated unexpectedly'));

  fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reject(err);
  }

  private async message(type: number, body: Buffer): Promise<void> {
    if (this.done) return;
    switch (String.fromCharCode(type)) {
      case 'R':
        return this.authentication(body);
      case 'S': {
        const [name, value] = cstrings(body, 0);
        if (name !== undefined) this.result.parameters[name] = value ?? '';
        return;
      }
      case 'K':
        this.result.processId = body.readInt32BE(0);
        this.result.secretKey = body.readInt32BE(4);
        return;
      case 'E':
        return this.fail(decodeError(body));
      case 'Z':
        if (this.final && !this.verified) throw new Error('SASL: the server did not send its signature');
        this.done = true;
        return this.resolve(this.result);
      default:
      // NoticeResponse, NegotiateProtocolVersion: nothing to do
    }
  }

  private async authentication(body: Buffer): Promise<void> {
    const code = body.readInt32BE(0);
    switch (code) {
      case AUTH.ok:
        return;
      case AUTH.cleartext:
        return this.send(serialize.password(await this.password()));
      case AUTH.md5:
        return this.send(
          serialize.password(md5PasswordHash(this.target.user, await this.password(), body.subarray(4, 8))),
        );
      case AUTH.sasl: {
        const mechanisms = cstrings(body, 4);
        if (!mechanisms.includes(SCRAM_MECHANISM))
          throw new Error(
            `SASL: Only mechanism(s) ${SCRAM_MECHANISM} are supported (the server offers ${mechanisms.join(', ')})`,
          );
        this.first = scramClientFirst();
        return this.send(serialize.sendSASLInitialResponseMessage(SCRAM_MECHANISM, this.first.response));
      }
      case AUTH.saslContinue: {
        if (!this.first) throw new Error('SASL: a SASLContinue before the SASL exchange began');
        this.final = await scramClientFinal(this.first, await this.password(), body.toString('utf8', 4));
        return this.send(serialize.sendSCRAMClientFinalMessage(this.final.response));
      }
      case AUTH.saslFinal:
        if (!this.final) throw new Error('SASL: a SASLFinal before the client-final message');
        verifyScramServerFinal(this.final, body.toString('utf8', 4));
        this.verified = true;
        return;
      default:
        throw new Error(
          `authentication method ${AUTH_NAMES[code] ?? code} is not supported by the workload connection (it answers trust, password, md5 and scram-sha-256)`,
        );
    }
  }

  private async password(): Promise<string> {
    const { password } = this.target;
    const value = typeof password === 'function' ? await password() : password;
    if (typeof value !== 'string') throw new Error('the server asks for a password and none is configured');
    return value;
  }

  private send(message: Buffer): void {
    if (!this.done) this.socket.write(message);
  }
}

/**
 * Logs in on a connected socket. The socket's listeners the login adds are removed when it settles;
 * the caller keeps its own 'error' listener and the connect timeout.
 */
export function logIn(socket: Duplex, target: WireTarget): Promise<LoggedIn> {
  return new Promise<LoggedIn>((resolve, reject) => {
    const login: Login = new Login(
      socket,
      target,
      (value) => (detach(), resolve(value)),
      (err) => (detach(), reject(err)),
    );
    const detach = () => {
      socket.off('data', login.onData);
      socket.off('error', login.onError);
      socket.off('close', login.onClose);
    };
    socket.on('data', login.onData);
    socket.on('error', login.onError);
    socket.on('close', login.onClose);
    socket.write(serialize.startup({ user: target.user, database: target.database, ...target.startup }));
  });
}
