/**
 * The workload connection's own login (wire-connection.ts) against the lab's servers: PostgreSQL
 * (`direct`, SCRAM-SHA-256) and PgBouncer (`proxy`, SCRAM-SHA-256 of its own), as the workload's
 * role logs in. Each outcome is held to pg's: the statement that runs, the wrong password's 28P01,
 * a closed port's error class, the connect timeout's.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { openWireSession } from '../../src/platform/database/wire/wire-connection';
import { connectionUser, resolveConnection } from '../../src/platform/connections';
import { poolConfigFor } from '../../src/platform/database/open-database';
import { classifyError } from '../../src/platform/error-classification';
import { freePort } from './harness/free-port';

const config = (name: string, extra: pg.ClientConfig = {}): pg.ClientConfig => ({
  ...poolConfigFor(name, { applicationName: 'faultline-wire-login-test' }),
  ...extra,
});

/** What pg.Client's connect rejects with for the same config (pg is the reference). */
async function pgConnectError(c: pg.ClientConfig): Promise<unknown> {
  const client = new pg.Client(c);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return err;
  } finally {
    await client.end().catch(() => undefined);
  }
  assert.fail('pg connected');
}

describe('wire login: the workload connection logs in on its own, as pg would', () => {
  for (const name of ['direct', 'proxy']) {
    it(`${name}: logs in with SCRAM as the workload role and runs a statement`, async () => {
      const session = await openWireSession(config(name));
      try {
        const { rows } = await session.rows('SELECT current_user AS who, $1::int + 1 AS n', [41]);
        assert.equal(rows[0]!.n, 42);
        assert.equal(rows[0]!.who, connectionUser(resolveConnection(name)), 'the workload role');
      } finally {
        await session.close();
      }
    });

    it(`${name}: a wrong password fails as pg's DatabaseError, with pg's SQLSTATE`, async () => {
      const wrong = config(name, { password: 'not-the-password' });
      const err = await openWireSession(wrong).then(
        () => assert.fail('logged in with a wrong password'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof pg.DatabaseError, String(err));
      // PostgreSQL says 28P01; PgBouncer, failing the SCRAM exchange itself, says 08P01.
      assert.equal(err.code, name === 'proxy' ? '08P01' : '28P01');
      const expected = (await pgConnectError(wrong)) as pg.DatabaseError;
      assert.equal(err.code, expected.code);
      assert.equal(classifyError(err), classifyError(expected));
    });
  }

  it('a closed port fails fast, in the same error class as pg’s', async () => {
    const closed = config('direct', { host: '127.0.0.1', port: await freePort(), connectionString: undefined });
    const started = Date.now();
    const err = await openWireSession(closed).then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.ok(Date.now() - started < 1000, `failed after ${Date.now() - started} ms`);
    assert.equal((err as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(classifyError(err), classifyError(await pgConnectError(closed)));
    assert.equal(classifyError(err), 'connection_refused');
  });

  it('the session survives what pg’s did: an ordinary error leaves it usable', async () => {
    const session = await openWireSession(config('direct'));
    try {
      await assert.rejects(session.count('SELECT 1 / $1::int', [0]), { code: '22012' });
      assert.equal(await session.count('SELECT 1', []), 1);
      assert.equal(session.ended, false);
    } finally {
      await session.close();
    }
  });
});
