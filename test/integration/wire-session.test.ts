/**
 * A workload worker's statements run on a wire session (faultline opens, logs in and speaks the
 * protocol). Every answer is held to a plain pg client on the same database, and every way a
 * statement can end (an error, a timeout, a terminated backend, COPY, a result larger than one read)
 * to what the server did.
 */
import assert from 'node:assert/strict';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import {
  activeUsersQuery,
  adjustStockQuery,
  orderStats7dQuery,
  productSearchQuery,
  recentLogsQuery,
  updateLoginQuery,
  userOrdersQuery,
} from '../../src/activities/workload/operations/operation-catalog';
import { setupSchema } from '../../src/activities/schema/setup-schema';
import type { Executor } from '../../src/activities/workload/clients/compiled-statement';
import { WorkerConnection } from '../../src/activities/workload/clients/worker-connection';
import { poolConfigFor } from '../../src/platform/database/open-database';
import { sqlQuery } from './harness/lab-database';

/** The workload's connection settings (raw timestamps, its timeouts), as a worker gets them. */
function workerConfig(statementTimeoutMs = 15_000): pg.ClientConfig {
  const {
    max: _max,
    idleTimeoutMillis: _idle,
    ...config
  } = poolConfigFor('direct', {
    statementTimeoutMs,
    rawTimestamps: true,
    applicationName: 'faultline-wire-test',
  });
  return config;
}

const raw = (sql: string, parameters: unknown[] = []) => CompiledQuery.raw(sql, parameters);

/** The statement a business operation runs, with its parameters (constants included), as compiled. */
async function compiled(run: (executor: Executor) => Promise<unknown>): Promise<CompiledQuery> {
  let query: CompiledQuery | undefined;
  await run({
    executeQuery: (q) => ((query = q), Promise.resolve({ rows: [] })),
    countQuery: (q) => ((query = q), Promise.resolve(0)),
  });
  return query!;
}

async function backendPid(conn: WorkerConnection): Promise<number> {
  const { rows } = await conn.executeQuery<{ pid: number }>(raw('SELECT pg_backend_pid() AS pid'));
  return rows[0]!.pid;
}

describe('wire session: the workload connection against a plain pg client', () => {
  let conn: WorkerConnection;
  let plain: pg.Client;
  before(async () => {
    await setupSchema('direct');
    plain = new pg.Client(workerConfig());
    await plain.connect();
  });
  beforeEach(() => (conn = new WorkerConnection(workerConfig())));
  afterEach(() => conn.close());
  after(() => plain.end());

  it('counts every business read as the rows pg returns, and every write as the rows it changed', async () => {
    const reads: Array<[string, (executor: Executor) => Promise<number>]> = [
      ['active_users', (e) => activeUsersQuery.count(e)],
      ['order_stats_7d', (e) => orderStats7dQuery.count(e)],
      ['product_search', (e) => productSearchQuery.count(e, 'books')],
      ['user_orders', (e) => userOrdersQuery.count(e, 7)],
      ['recent_logs', (e) => recentLogsQuery.count(e)],
    ];
    for (const [name, count] of reads) {
      const { sql, parameters } = await compiled(count);
      const expected = (await plain.query(sql, [...parameters])).rows.length;
      assert.ok(expected > 0, `${name}: the seed gives it rows`);
      assert.equal(await count(conn), expected, name);
    }
    assert.equal(await updateLoginQuery.count(conn, 3), 1, 'update_login: one user');
    assert.equal(await updateLoginQuery.count(conn, 99_999_999), 0, 'update_login: no such user');
    const before = (await plain.query<{ n: string }>('SELECT count(*) AS n FROM business_products WHERE stock >= 0'))
      .rows[0]!.n;
    assert.equal(await adjustStockQuery.count(conn, 5, 0), 1, 'adjust_stock: one product');
    assert.equal(
      await conn.countQuery(raw('UPDATE business_products SET stock = stock WHERE stock >= 0')),
      Number(before),
      'an UPDATE of many rows: the server’s count',
    );
    assert.equal(await conn.countQuery(raw('SELECT 1 WHERE false')), 0);
  });

  it('returns rows exactly as pg parses them with the same settings (types, NULLs, text, raw timestamps)', async () => {
    const queries: Array<[string, unknown[]]> = [
      ['SELECT id, stock, price, category, created_at FROM business_products WHERE id <= $1 ORDER BY id', [5]],
      [
        'SELECT $1::text AS a, $2::int AS b, $3::boolean AS c, $4::bigint AS d, NULL AS e',
        ['héllo ✓ 💳', null, true, 9007199254740993n],
      ],
    ];
    const logs = await compiled((e) => recentLogsQuery(e));
    queries.push([logs.sql, [...logs.parameters]]);
    for (const [sql, params] of queries) {
      const expected = await plain.query(sql, params);
      const got = await conn.executeQuery(raw(sql, params));
      assert.deepEqual(got.rows, expected.rows, sql);
      assert.equal(got.numAffectedRows, undefined);
    }
    const insert = await conn.executeQuery(
      raw("INSERT INTO business_logs (user_id, action, details) VALUES (1, 'login', 'wire test') RETURNING action"),
    );
    assert.deepEqual(insert.rows, [{ action: 'login' }]);
    assert.equal(insert.numAffectedRows, 1n);
  });

  it('reads a result far larger than one socket read (messages cut between chunks)', async () => {
    const sql = "SELECT g, repeat('x', 300) AS pad FROM generate_series(1, 20000) g";
    assert.equal(await conn.countQuery(raw(sql)), 20_000);
    const { rows } = await conn.executeQuery<{ g: number; pad: string }>(raw(sql));
    assert.equal(rows.length, 20_000);
    assert.deepEqual(rows.at(-1), { g: 20_000, pad: 'x'.repeat(300) });
  });

  it('an error is pg’s DatabaseError with its SQLSTATE, and the session goes on', async () => {
    const pid = await backendPid(conn);
    await assert.rejects(conn.countQuery(raw('SELECT 1 / $1::int', [0])), (err: unknown) => {
      assert.ok(err instanceof pg.DatabaseError);
      assert.equal(err.code, '22012');
      assert.equal(err.severity, 'ERROR');
      assert.match(err.message, /division by zero/);
      return true;
    });
    assert.equal(await backendPid(conn), pid, 'same session after an ordinary error');
  });

  it('the statement timeout (client side, as pg’s query_timeout) fails the statement on time and cuts its session', async () => {
    const timed = new WorkerConnection(workerConfig(300));
    try {
      const pid = await backendPid(timed);
      const started = Date.now();
      await assert.rejects(timed.countQuery(raw('SELECT pg_sleep(5)')), /Query read timeout/);
      const took = Date.now() - started;
      assert.ok(took >= 290 && took < 1500, `failed after ${took} ms`);
      assert.notEqual(await backendPid(timed), pid, 'a new session: the old one may still answer');
    } finally {
      await timed.close();
    }
  });

  it('a backend terminated mid-statement fails it with the server’s 57P01; the next statement gets a new session', async () => {
    const pid = await backendPid(conn);
    const sleeping = conn.countQuery(raw('SELECT pg_sleep(10)'));
    const outcome = sleeping.then(
      () => assert.fail('the statement should fail'),
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 300));
    await sqlQuery('SELECT pg_terminate_backend($1)', [pid]);
    const err = (await outcome) as pg.DatabaseError;
    assert.equal(err.code, '57P01');
    assert.equal(err.severity, 'FATAL');
    const next = await backendPid(conn);
    assert.notEqual(next, pid);
  });

  it('a backend terminated between statements: the session is dropped when it closes, the next statement gets a new one', async () => {
    const pid = await backendPid(conn);
    await sqlQuery('SELECT pg_terminate_backend($1)', [pid]);
    await new Promise((r) => setTimeout(r, 200));
    assert.notEqual(await backendPid(conn), pid);
  });

  it('COPY FROM STDIN is refused (no data to send), and the session goes on', async () => {
    const pid = await backendPid(conn);
    await assert.rejects(conn.countQuery(raw('COPY business_logs (action) FROM STDIN')), { code: '57014' });
    assert.equal(await backendPid(conn), pid);
  });

  it('a transaction that throws is rolled back; one that returns is committed', async () => {
    const marker = `wire-${Date.now()}`;
    const insert = raw("INSERT INTO business_logs (user_id, action, details) VALUES (1, 'login', $1)", [marker]);
    await assert.rejects(
      conn.transaction(async (trx) => {
        await trx.countQuery(insert);
        throw new Error('abandon');
      }),
      /abandon/,
    );
    const count = async () =>
      Number(
        (await sqlQuery<{ n: string }>('SELECT count(*) AS n FROM business_logs WHERE details = $1', [marker]))[0]!.n,
      );
    assert.equal(await count(), 0);
    await conn.transaction((trx) => trx.countQuery(insert));
    assert.equal(await count(), 1);
  });

  it('a parameter that cannot go as text is refused by name before anything is sent', async () => {
    const pid = await backendPid(conn);
    await assert.rejects(
      conn.countQuery(raw('SELECT $1::timestamptz', [new Date()])),
      /parameter \$1 \(Date\) cannot be sent/,
    );
    assert.equal(await backendPid(conn), pid);
  });
});
