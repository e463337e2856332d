/**
 * The workload connection's login, fed with a server's recorded messages (a scripted Duplex, no
 * socket): the startup message byte for byte, every password exchange it answers, what it refuses,
 * and the SSLRequest's answers.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { sslAnswer } from '../../src/platform/database/wire/wire-connection';
import { logIn } from '../../src/platform/database/wire/wire-login';
import { wireTarget, type WireTarget } from '../../src/platform/database/wire/wire-target';
import {
  auth,
  backendKey,
  cstr,
  errorResponse,
  int32,
  loggedIn,
  parameterStatus,
  ready,
  scramServer,
  ScriptedServer,
} from './harness/scripted-server';

const target = (password: WireTarget['password'] = 'secret'): WireTarget =>
  wireTarget({ host: 'db', port: 5432, user: 'scripted', database: 'shop', password, application_name: 'fl' });

describe('wire login', () => {
  it('sends the startup message pg sends: protocol 3.0, user, database, application_name, options, UTF8', async () => {
    const server = new ScriptedServer(() => loggedIn());
    await logIn(server, wireTarget({ user: 'u', database: 'd', application_name: 'app', options: '-c a=b' }));
    const expected = Buffer.concat([
      int32(196608),
      cstr('user', 'u', 'database', 'd', 'application_name', 'app', 'options', '-c a=b', 'client_encoding', 'UTF8'),
      Buffer.from([0]),
    ]);
    assert.deepEqual(server.received[0]!.body, expected);
  });

  it('logs in with SCRAM-SHA-256, checking the server signature, and keeps the session parameters', async () => {
    const scram = scramServer('secret');
    const server = new ScriptedServer((m, i) =>
      i === 0
        ? auth(10, cstr('SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'), Buffer.from([0]))
        : i === 1
          ? scram.first(m.body)
          : Buffer.concat([scram.final(m.body), loggedIn()]),
    );
    const login = await logIn(server, target());
    assert.deepEqual(
      server.received.map((m) => m.type),
      ['', 'p', 'p'],
    );
    assert.match(server.received[1]!.body.toString('latin1'), /^SCRAM-SHA-256\0....n,,n=\*,r=/s);
    assert.match(server.received[2]!.body.toString(), /^c=biws,r=.+server-part,p=/);
    assert.deepEqual(login.parameters, { server_version: '17.2' });
    assert.equal(login.processId, 4242);
    assert.equal(login.secretKey, 99);
    assert.equal(login.rest, undefined);
  });

  it('refuses a server whose SCRAM signature is wrong, or that skips it', async () => {
    for (const final of [
      (scram: ReturnType<typeof scramServer>, body: Buffer) => scram.final(body, 'AAAA' + 'A'.repeat(40)),
      () => auth(0),
    ]) {
      const scram = scramServer('secret');
      const server = new ScriptedServer((m, i) =>
        i === 0
          ? auth(10, cstr('SCRAM-SHA-256'), Buffer.from([0]))
          : i === 1
            ? scram.first(m.body)
            : Buffer.concat([final(scram, m.body), loggedIn()]),
      );
      await assert.rejects(logIn(server, target()), /SASL: .*(signature does not match|did not send its signature)/);
    }
  });

  it('a wrong password fails with the server’s 28P01, as pg’s DatabaseError', async () => {
    const scram = scramServer('the right one');
    const server = new ScriptedServer((m, i) =>
      i === 0 ? auth(10, cstr('SCRAM-SHA-256'), Buffer.from([0])) : i === 1 ? scram.first(m.body) : scram.final(m.body),
    );
    await assert.rejects(logIn(server, target('wrong')), (err: unknown) => {
      assert.ok(err instanceof pg.DatabaseError);
      assert.equal(err.code, '28P01');
      assert.equal(err.severity, 'FATAL');
      return true;
    });
  });

  it('answers MD5 and cleartext password requests, the password given as a function too', async () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const md5 = new ScriptedServer((_m, i) => (i === 0 ? auth(5, salt) : loggedIn()));
    await logIn(md5, { ...target('postgres'), user: 'postgres' });
    assert.equal(md5.received[1]!.body.toString(), 'md568be9ed08db75f318087ab337aaea044\0');
    const clear = new ScriptedServer((_m, i) => (i === 0 ? auth(3) : loggedIn()));
    await logIn(
      clear,
      target(() => Promise.resolve('from a function')),
    );
    assert.equal(clear.received[1]!.body.toString(), 'from a function\0');
  });

  it('trust: no password asked, none sent', async () => {
    const server = new ScriptedServer(() => loggedIn());
    await logIn(server, { ...target(), password: undefined });
    assert.equal(server.received.length, 1);
  });

  it('refuses what it cannot answer: GSSAPI, SCRAM-SHA-256-PLUS alone, a password it was not given', async () => {
    const gss = new ScriptedServer(() => auth(7));
    await assert.rejects(logIn(gss, target()), /authentication method GSSAPI is not supported/);
    const plus = new ScriptedServer(() => auth(10, cstr('SCRAM-SHA-256-PLUS'), Buffer.from([0])));
    await assert.rejects(logIn(plus, target()), /Only mechanism\(s\) SCRAM-SHA-256 are supported/);
    const none = new ScriptedServer(() => auth(3));
    await assert.rejects(
      logIn(none, { ...target(), password: undefined }),
      /asks for a password and none is configured/,
    );
  });

  it('refuses settings it cannot honour before connecting: direct SSL, channel binding, replication', () => {
    assert.throws(() => wireTarget({ ssl: true, sslnegotiation: 'direct' }), /sslnegotiation=direct is not supported/);
    assert.throws(() => wireTarget({ enableChannelBinding: true }), /channel binding .* is not supported/);
    assert.throws(
      () => wireTarget({ connectionString: 'postgres://u@h/d?replication=database' }),
      /replication connections are not supported/,
    );
    assert.throws(
      () => wireTarget({ connectionString: 'postgres://u@h/d?sslmode=require&uselibpqcompat=true' }),
      /uselibpqcompat is not supported/,
    );
  });

  it('a server that refuses sessions (57P03) or hangs up fails the login as pg reports it', async () => {
    const starting = new ScriptedServer(() => errorResponse('FATAL', '57P03', 'the database system is starting up'));
    await assert.rejects(logIn(starting, target()), { code: '57P03', message: 'the database system is starting up' });
    const gone = new ScriptedServer(() => undefined);
    const login = logIn(gone, target());
    setImmediate(() => gone.hangUp());
    await assert.rejects(login, /^Error: Connection terminated unexpectedly$/);
  });

  it('reads messages cut anywhere between chunks, and hands what follows ReadyForQuery to the session', async () => {
    const head = Buffer.concat([auth(0), parameterStatus('a', 'b'), backendKey(1, 2), ready()]);
    const cut = head.length - 2; // ReadyForQuery's last bytes come with the session's first
    const chunks = Array.from({ length: Math.ceil(cut / 3) }, (_, i) => head.subarray(i * 3, Math.min(cut, i * 3 + 3)));
    chunks.push(Buffer.concat([head.subarray(cut), Buffer.from('NEXT')]));
    const server = new ScriptedServer(() => chunks);
    const login = await logIn(server, target());
    assert.deepEqual(login.parameters, { a: 'b' });
    assert.equal(login.rest?.toString(), 'NEXT');
    assert.equal(server.listenerCount('data'), 0, 'the login leaves no listener on the socket');
  });
});

describe('SSLRequest', () => {
  it('sends the 8-byte request; S goes on, N and anything else are refused with pg’s messages', async () => {
    const yes = new ScriptedServer(() => Buffer.from('S'));
    await sslAnswer(yes);
    assert.deepEqual(yes.received[0]!.body, int32(80877103));
    await assert.rejects(
      sslAnswer(new ScriptedServer(() => Buffer.from('N'))),
      /^Error: The server does not support SSL connections$/,
    );
    await assert.rejects(
      sslAnswer(new ScriptedServer(() => errorResponse('FATAL', '08P01', 'bad'))),
      /^Error: There was an error establishing an SSL connection$/,
    );
    await assert.rejects(
      sslAnswer(new ScriptedServer(() => Buffer.from('SX'))),
      /error establishing an SSL connection/,
      'bytes after S (CVE-2021-23222) are refused',
    );
  });
});
