/** Each business operation of seed 001 does what the seed says, on the real database. */
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import {
  activeUsersQuery,
  adjustStock,
  createOrder,
  insertLog,
  orderStats7dQuery,
  productSearchQuery,
  purchase,
  recentLogsQuery,
  updateLogin,
  userOrdersQuery,
} from '../../src/activities/workload/operations/operation-catalog';
import type { BusinessDatabase } from '../../src/platform/database/business-database';
import { setupSchema } from '../../src/activities/schema/setup-schema';
import { openDatabase, sqlQuery } from './harness/lab-database';

describe('business operations (seed 001) on the real database', () => {
  let db: Kysely<BusinessDatabase>;
  before(async () => {
    const seeded = await setupSchema('direct');
    assert.ok(seeded.users >= 1000 && seeded.products >= 200 && seeded.orders >= 5000, JSON.stringify(seeded));
    db = openDatabase('direct');
  });
  after(() => db.destroy());

  it('read 1: up to 20 active users, latest login first, never-logged-in last', async () => {
    const { rows } = await activeUsersQuery(db);
    assert.equal(rows.length, 20);
    assert.ok(rows.every((r) => r.status === 'active'));
    const times = rows.map((r) => (r.last_login ? new Date(r.last_login).getTime() : -Infinity));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  it('read 2: order counts and totals of the last 7 days by status match SQL', async () => {
    const { rows } = await orderStats7dQuery(db);
    const expected = await sqlQuery<{ status: string; count: string; total: string }>(
      `SELECT status, count(*)::text AS count, sum(amount)::text AS total FROM business_orders
       WHERE created_at >= CURRENT_DATE - INTERVAL '7 days' GROUP BY status`,
    );
    assert.ok(rows.length > 0);
    const byStatus = new Map(expected.map((e) => [e.status, e]));
    for (const row of rows) {
      assert.equal(String(row.count), byStatus.get(row.status!)?.count);
      assert.equal(String(row.total_amount), byStatus.get(row.status!)?.total);
    }
  });

  it('read 3: up to 10 in-stock products of the category, cheapest first', async () => {
    const { rows } = await productSearchQuery(db, 'books');
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => r.category === 'books' && r.stock > 0));
    const prices = rows.map((r) => Number(r.price));
    assert.deepEqual(
      prices,
      [...prices].sort((a, b) => a - b),
    );
  });

  it("read 4: a user's latest 10 orders, newest first", async () => {
    const [{ user_id } = { user_id: 0 }] = await sqlQuery<{ user_id: number }>(
      'SELECT user_id FROM business_orders GROUP BY user_id HAVING count(*) > 10 LIMIT 1',
    );
    const { rows } = await userOrdersQuery(db, user_id);
    assert.equal(rows.length, 10);
    const own = await sqlQuery<{ id: number }>(
      'SELECT id FROM business_orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 10',
      [user_id],
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      own.map((r) => r.id),
    );
  });

  it("read 5: the last hour's log entries with user names, newest first", async () => {
    await insertLog(db, 1, 'login', 'test entry', '10.1.2.3');
    const { rows } = await recentLogsQuery(db);
    assert.ok(rows.length > 0 && rows.length <= 50);
    const hourAgo = Date.now() - 3600_000 - 5000;
    assert.ok(rows.every((r) => new Date(r.created_at).getTime() >= hourAgo));
    assert.ok(rows.some((r) => r.username !== null));
  });

  it('write 1: a login sets last_login and counts it', async () => {
    const [before] = await sqlQuery<{ login_count: number }>('SELECT login_count FROM business_users WHERE id = 7');
    await updateLogin(db, 7);
    const [after] = await sqlQuery<{ login_count: number; recent: boolean }>(
      "SELECT login_count, last_login > now() - interval '1 minute' AS recent FROM business_users WHERE id = 7",
    );
    assert.equal(after!.login_count, before!.login_count + 1);
    assert.equal(after!.recent, true);
  });

  it('write 2: creates a pending order', async () => {
    const number = `ORD-TEST-${Date.now()}`;
    await createOrder(db, 3, number, 12.34);
    const rows = await sqlQuery<{ user_id: number; amount: string; status: string }>(
      'SELECT user_id, amount::text, status FROM business_orders WHERE order_number = $1',
      [number],
    );
    assert.deepEqual(rows, [{ user_id: 3, amount: '12.34', status: 'pending' }]);
  });

  it('write 3: adjusts stock and never below zero (GREATEST(0, ...))', async () => {
    await sqlQuery('UPDATE business_products SET stock = 5 WHERE id = 11');
    await adjustStock(db, 11, 7);
    assert.equal(
      (await sqlQuery<{ stock: number }>('SELECT stock FROM business_products WHERE id = 11'))[0]!.stock,
      12,
    );
    await adjustStock(db, 11, -100);
    assert.equal((await sqlQuery<{ stock: number }>('SELECT stock FROM business_products WHERE id = 11'))[0]!.stock, 0);
  });

  it('write 4: inserts a log entry with its IP address', async () => {
    const details = `test-${Date.now()}`;
    await insertLog(db, 5, 'search', details, '10.9.8.7');
    const rows = await sqlQuery<{ user_id: number; action: string; ip: string }>(
      'SELECT user_id, action, host(ip_address) AS ip FROM business_logs WHERE details = $1',
      [details],
    );
    assert.deepEqual(rows, [{ user_id: 5, action: 'search', ip: '10.9.8.7' }]);
  });

  it('purchase: confirmed order, stock taken, purchase logged, all in one transaction', async () => {
    await sqlQuery('UPDATE business_products SET stock = 10, price = 2.50 WHERE id = 21');
    const number = `ORD-BUY-${Date.now()}`;
    const outcome = await purchase(db, 9, 21, 3, number);
    assert.equal(outcome.outOfStock, undefined);
    const [order] = await sqlQuery<{ status: string; amount: string }>(
      'SELECT status, amount::text FROM business_orders WHERE order_number = $1',
      [number],
    );
    assert.deepEqual(order, { status: 'confirmed', amount: '7.50' });
    assert.equal((await sqlQuery<{ stock: number }>('SELECT stock FROM business_products WHERE id = 21'))[0]!.stock, 7);
    const logs = await sqlQuery("SELECT 1 FROM business_logs WHERE action = 'purchase' AND details LIKE $1", [
      `order ${number}%`,
    ]);
    assert.equal(logs.length, 1);
  });

  it('purchase: rolls back cleanly on error (nothing half-written)', async () => {
    await sqlQuery('UPDATE business_products SET stock = 10 WHERE id = 22');
    const [{ n: logsBefore } = { n: 0 }] = await sqlQuery<{ n: number }>(
      "SELECT count(*)::int AS n FROM business_logs WHERE action = 'purchase'",
    );
    // An order number that already exists: the INSERT fails after the row lock was taken.
    await assert.rejects(purchase(db, 9, 22, 1, 'ORD-SEED-000001'), /duplicate key/);
    assert.equal(
      (await sqlQuery<{ stock: number }>('SELECT stock FROM business_products WHERE id = 22'))[0]!.stock,
      10,
    );
    const [{ n: logsAfter } = { n: 0 }] = await sqlQuery<{ n: number }>(
      "SELECT count(*)::int AS n FROM business_logs WHERE action = 'purchase'",
    );
    assert.equal(logsAfter, logsBefore);
  });

  it('purchase: never drives stock below zero under concurrency', async () => {
    await sqlQuery('UPDATE business_products SET stock = 10 WHERE id = 23');
    const pooled = openDatabase('direct', { poolSize: 10 });
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) => purchase(pooled, 1 + i, 23, 1, `ORD-RACE-${Date.now()}-${i}`)),
      );
      assert.equal(outcomes.filter((o) => !o.outOfStock).length, 10);
      assert.equal(outcomes.filter((o) => o.outOfStock).length, 30);
    } finally {
      await pooled.destroy();
    }
    assert.equal((await sqlQuery<{ stock: number }>('SELECT stock FROM business_products WHERE id = 23'))[0]!.stock, 0);
  });
});
