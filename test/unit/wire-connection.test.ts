/**
 * The workload connection's open on a loopback socket to a scripted server in this process (no
 * database): the login's hand-off to the session, and failures as pg reports them.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { openWireSession } from '../../src/platform/database/wire/wire-connection';
import { fastFailingSocket } from '../../src/platform/database/fast-failing-socket';
import { backend, cstr, errorResponse, loggedIn, ready } from './harness/scripted-server';
import { CompiledQuery } from 'kysely';
import { WorkerConnection } from '../../src/activities/workload/clients/worker-connection';

/** A server that answers every client write with `answer`'s bytes. */
async function scripted(answer: (data: Buffer, socket: Socket) => Buffer | undefined): Promise<Server> {
  const server = createServer((socket) => socket.on('data', (d) => socket.write(answer(d, socket) ?? Buffer.alloc(0))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;
const config = (port: number, extra = {}) => ({
  host: '127.0.0.1',
  port,
  user: 'u',
  database: 'd',
  stream: fastFailingSocket(250),
  ...extra,
});

describe('wire connection', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('logs in, runs a statement on the socket it owns, and closes with Terminate', async () => {
    const written: string[] = [];
    const server = await scripted((data) => {
      written.push(String.fromCharCode(data[0]!));
      if (data[0] === 0) return loggedIn(); // the startup message has no type byte
      if (data[0] === 0x58) return undefined; // Terminate
      return Buffer.concat([backend('C', cstr('SELECT 3')), ready()]);
    });
    servers.push(server);
    const session = await openWireSession(config(portOf(server)));
    assert.equal(await session.count('SELECT 1', []), 3);
    await session.close();
    assert.deepEqual(written.slice(-2), ['P', 'X']);
  });

  it('a closed port fails with the socket’s ECONNREFUSED, as pg’s', async () => {
    const server = await scripted(() => undefined);
    const port = portOf(server);
    await new Promise((r) => server.close(r));
    await assert.rejects(openWireSession(config(port)), { code: 'ECONNREFUSED' });
  });

  it('a server that never answers the login fails with pg’s "timeout expired" after connectionTimeoutMillis', async () => {
    const server = await scripted(() => undefined);
    servers.push(server);
    const started = Date.now();
    await assert.rejects(
      openWireSession(config(portOf(server), { connectionTimeoutMillis: 200 })),
      /^Error: timeout expired$/,
    );
    assert.ok(Date.now() - started < 1000);
  });

  it('a server that hangs up during the login fails with "Connection terminated unexpectedly"', async () => {
    const server = await scripted((_d, socket) => void socket.destroy());
    servers.push(server);
    await assert.rejects(openWireSession(config(portOf(server))), /^Error: Connection terminated unexpectedly$/);
  });

  it('TLS asked of a server without it fails with pg’s message', async () => {
    const server = await scripted(() => Buffer.from('N'));
    servers.push(server);
    await assert.rejects(
      openWireSession(config(portOf(server), { ssl: true })),
      /^Error: The server does not support SSL connections$/,
    );
  });

  it("keeps a transaction on its BEGIN's session: once the server ends it, the rest fail and nothing reopens", async () => {
    let logins = 0;
    const server = await scripted((data) => {
      if (data[0] === 0) {
        logins++;
        return loggedIn();
      }
      if (data[0] === 0x58) return undefined;
      // BEGIN answered and, in the same read, the server's FATAL (a fast shutdown, a switchover).
      return Buffer.concat([
        backend('C', cstr('BEGIN')),
        ready('T'),
        errorResponse('FATAL', '57P01', 'terminating connection due to administrator command'),
      ]);
    });
    servers.push(server);
    const connection = new WorkerConnection(config(portOf(server)));
    const statements: string[] = [];
    await assert.rejects(
      connection.transaction(async (trx) => {
        statements.push('insert');
        await trx.countQuery(CompiledQuery.raw("INSERT INTO t VALUES ('x')"));
        statements.push('commit');
      }),
      (err: { code?: string }) => err.code === '57P01',
    );
    assert.deepEqual(statements, ['insert'], 'the INSERT failed with the session');
    assert.equal(logins, 1, 'no new session ran the rest of the transaction (nor its COMMIT) as autocommit');
    await connection.close();
  });
});
