/**
 * The business operations of seed 001, in Kysely: 5 reads, 4 writes and the purchase transaction.
 * Each takes its parameters explicitly (so tests can check exactly what it does); `catalog()`
 * draws them the way the workload does, afresh for every run.
 */
import { randomUUID } from 'node:crypto';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import type { OperationName, OperationType } from '../../../shared/workload-types';
import type { BusinessDatabase } from '../../../platform/database/business-database';
import { statement } from '../clients/compiled-statement';
import { between, pick } from './random-draws';
import { asRunner, type StatementRunner } from '../clients/statement-runner';
import { logDetailsOf, orderNumberOf } from '../writes/write-ids';
import type { WriteKind } from '../../../shared/business-write-audit-types';
import { thrownBeforeCommit } from '../writes/write-answer';

/** Kysely (tests, a shared pool) or a worker's own connection. */
type Db = Kysely<BusinessDatabase> | StatementRunner;

export const CATEGORIES = ['electronics', 'books', 'clothing', 'home', 'sports', 'toys', 'grocery', 'beauty'] as const;
export const LOG_ACTIONS = ['login', 'view_product', 'search', 'add_to_cart', 'logout'] as const;

/** What an operation reports back: rows it read or changed, and for purchases whether it bought. */
export interface OperationOutcome {
  rows: number;
  outOfStock?: boolean;
}

/** Builds the statements (compile only, never connects). */
const q = new Kysely<BusinessDatabase>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

// --- Reads (70%) ------------------------------------------------------------------------------

/** Read 1: active users by last login. */
export const activeUsersQuery = statement(0, () =>
  q
    .selectFrom('business_users')
    .select(['id', 'username', 'email', 'last_login', 'login_count', 'status'])
    .where('status', '=', 'active')
    .orderBy('last_login', (ob) => ob.desc().nullsLast())
    .limit(20),
);

/** Read 2: order statistics of the last 7 days, by status. */
export const orderStats7dQuery = statement(0, () =>
  q
    .selectFrom('business_orders')
    .select((eb) => ['status', eb.fn.countAll<string>().as('count'), eb.fn.sum<string>('amount').as('total_amount')])
    .where('created_at', '>=', sql<Date>`CURRENT_DATE - INTERVAL '7 days'`)
    .groupBy('status'),
);

/** Read 3: products of a category in stock, cheapest first. */
export const productSearchQuery = statement(1, (category: string) =>
  q
    .selectFrom('business_products')
    .select(['id', 'name', 'price', 'stock', 'category'])
    .where('category', '=', category)
    .where('stock', '>', 0)
    .orderBy('price')
    .limit(10),
);

/** Read 4: a user's latest orders. */
export const userOrdersQuery = statement(1, (userId: number) =>
  q
    .selectFrom('business_orders as o')
    .innerJoin('business_users as u', 'o.user_id', 'u.id')
    .select(['o.id', 'o.order_number', 'o.amount', 'o.status', 'o.created_at'])
    .where('u.id', '=', userId)
    .orderBy('o.created_at', 'desc')
    .limit(10),
);

/** Read 5: the last hour's activity log with user names. */
export const recentLogsQuery = statement(0, () =>
  q
    .selectFrom('business_logs as l')
    .leftJoin('business_users as u', 'l.user_id', 'u.id')
    .select(['l.action', 'l.details', 'l.created_at', 'u.username'])
    .where('l.created_at', '>=', sql<Date>`CURRENT_TIMESTAMP - INTERVAL '1 hour'`)
    .orderBy('l.created_at', 'desc')
    .limit(50),
);

// --- Writes (20%) -----------------------------------------------------------------------------

/** Write 1: a user logs in. */
export const updateLoginQuery = statement(1, (userId: number) =>
  q
    .updateTable('business_users')
    .set((eb) => ({ last_login: sql`CURRENT_TIMESTAMP`, login_count: eb('login_count', '+', 1) }))
    .where('id', '=', userId),
);

/** Write 2: a pending order. */
export const createOrderQuery = statement(3, (userId: number, orderNumber: string, amount: number) =>
  q.insertInto('business_orders').values({ user_id: userId, order_number: orderNumber, amount, status: 'pending' }),
);

/** Write 3: stock moves by delta, never below zero. */
export const adjustStockQuery = statement(2, (productId: number, delta: number) =>
  q
    .updateTable('business_products')
    .set({ stock: sql<number>`GREATEST(0, stock + ${delta})` })
    .where('id', '=', productId),
);

/** Write 4: an activity log entry. */
export const insertLogQuery = statement(4, (userId: number, action: string, details: string, ipAddress: string) =>
  q.insertInto('business_logs').values({ user_id: userId, action, details, ip_address: ipAddress }),
);

// --- Transaction (10%) ------------------------------------------------------------------------

/** Purchase step 1: check the stock, locking the product row. */
export const lockProductQuery = statement(1, (productId: number) =>
  q.selectFrom('business_products').select(['stock', 'price']).where('id', '=', productId).forUpdate(),
);

/** Purchase step 2: a confirmed order. */
export const confirmedOrderQuery = statement(3, (userId: number, orderNumber: string, amount: string) =>
  q.insertInto('business_orders').values({ user_id: userId, order_number: orderNumber, amount, status: 'confirmed' }),
);

/** Purchase step 3: take the stock. */
export const takeStockQuery = statement(2, (productId: number, quantity: number) =>
  q
    .updateTable('business_products')
    .set((eb) => ({ stock: eb('stock', '-', quantity) }))
    .where('id', '=', productId),
);

/** Purchase step 4: log the purchase. */
export const purchaseLogQuery = statement(2, (userId: number, details: string) =>
  q.insertInto('business_logs').values({ user_id: userId, action: 'purchase', details }),
);

const rows = (count: number): OperationOutcome => ({ rows: count });

export const activeUsers = (db: Db) => activeUsersQuery.count(db).then(rows);
export const orderStats7d = (db: Db) => orderStats7dQuery.count(db).then(rows);
export const productSearch = (db: Db, category: string) => productSearchQuery.count(db, category).then(rows);
export const userOrders = (db: Db, userId: number) => userOrdersQuery.count(db, userId).then(rows);
export const recentLogs = (db: Db) => recentLogsQuery.count(db).then(rows);
export const updateLogin = (db: Db, userId: number) => updateLoginQuery.count(db, userId).then(rows);
export const createOrder = (db: Db, userId: number, orderNumber: string, amount: number) =>
  createOrderQuery.count(db, userId, orderNumber, amount).then(rows);
export const adjustStock = (db: Db, productId: number, delta: number) =>
  adjustStockQuery.count(db, productId, delta).then(rows);
export const insertLog = (db: Db, userId: number, action: string, details: string, ipAddress: string) =>
  insertLogQuery.count(db, userId, action, details, ipAddress).then(rows);

/**
 * The purchase: lock the product, create a confirmed order, take the stock, log it; all or nothing.
 * A product without enough stock is not bought (the transaction rolls back): stock never goes
 * below zero, however many purchases run at once.
 */
export async function purchase(
  db: Db,
  userId: number,
  productId: number,
  quantity: number,
  orderNumber: string,
): Promise<OperationOutcome> {
  let commitSent = false;
  return await asRunner(db)
    .transaction(async (trx) => {
      const product = (await lockProductQuery(trx, productId)).rows[0];
      if (!product || Number(product.stock) < quantity) throw new OutOfStock('out of stock');
      const amount = (Number(product.price) * quantity).toFixed(2);
      await confirmedOrderQuery.count(trx, userId, orderNumber, amount);
      await takeStockQuery.count(trx, productId, quantity);
      await purchaseLogQuery.count(trx, userId, `order ${orderNumber}: ${quantity} x product ${productId} = ${amount}`);
      commitSent = true; // the runner sends COMMIT once this returns
      return { rows: 4 };
    })
    .catch((err: unknown) => {
      if (err instanceof OutOfStock) return { rows: 0, outOfStock: true };
      throw commitSent ? err : thrownBeforeCommit(err); // not committed, whatever broke (write-answer.ts)
    });
}

class OutOfStock extends Error {}

// --- The catalog --------------------------------------------------------------------------------

export interface CatalogEntry {
  name: OperationName;
  type: OperationType;
  /** A write the audit can find by the identity it carries (write-ids.ts). */
  audited?: WriteKind;
  /** Runs the operation with freshly drawn parameters; an audited write carries `id` (a fresh one without it). */
  run(db: Db, id?: string): Promise<OperationOutcome>;
}

/** The id ranges the seed data covers (init.sql: 1,000 users, 200 products). */
export interface DataShape {
  users: number;
  products: number;
}

const orderNumber = (id: string | undefined): string => orderNumberOf(id ?? randomUUID());

export function catalog(shape: DataShape = { users: 1000, products: 200 }): CatalogEntry[] {
  const user = () => between(1, shape.users);
  const product = () => between(1, shape.products);
  return [
    { name: 'active_users', type: 'read', run: (db) => activeUsers(db) },
    { name: 'order_stats_7d', type: 'read', run: (db) => orderStats7d(db) },
    { name: 'product_search', type: 'read', run: (db) => productSearch(db, pick(CATEGORIES)) },
    { name: 'user_orders', type: 'read', run: (db) => userOrders(db, user()) },
    { name: 'recent_logs', type: 'read', run: (db) => recentLogs(db) },
    { name: 'update_login', type: 'write', run: (db) => updateLogin(db, user()) },
    {
      name: 'create_order',
      type: 'write',
      audited: 'create_order',
      run: (db, id) => createOrder(db, user(), orderNumber(id), between(1000, 99_999) / 100),
    },
    { name: 'adjust_stock', type: 'write', run: (db) => adjustStock(db, product(), between(-10, 10)) },
    {
      name: 'insert_log',
      type: 'write',
      audited: 'insert_log',
      run: (db, id) =>
        insertLog(
          db,
          user(),
          pick(LOG_ACTIONS),
          logDetailsOf(id ?? randomUUID()),
          `10.0.${between(0, 255)}.${between(1, 254)}`,
        ),
    },
    {
      name: 'purchase',
      type: 'transaction',
      audited: 'purchase',
      run: (db, id) => purchase(db, user(), product(), between(1, 3), orderNumber(id)),
    },
  ];
}
