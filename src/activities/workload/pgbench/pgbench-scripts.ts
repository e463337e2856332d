/**
 * Seed 001's ten statements as pgbench scripts, derived from the operation catalog: each is the
 * catalog's own compiled SQL, its arguments written in as pgbench variables drawn by `\set` the way
 * the catalog draws them (operations/operation-catalog.ts), so pgbench runs what the workload runs. Weighted
 * like the workload: a type's weight is shared equally by its operations (reads 5 x 14, writes
 * 4 x 5, the purchase 10 by default).
 */
import type { BusinessOperationName, OperationName, OperationType } from '../../../shared/workload-types';
import {
  activeUsersQuery,
  adjustStockQuery,
  catalog,
  CATEGORIES,
  confirmedOrderQuery,
  createOrderQuery,
  type DataShape,
  insertLogQuery,
  lockProductQuery,
  LOG_ACTIONS,
  orderStats7dQuery,
  productSearchQuery,
  purchaseLogQuery,
  recentLogsQuery,
  takeStockQuery,
  updateLoginQuery,
  userOrdersQuery,
} from '../operations/operation-catalog';
import type { Statement } from '../clients/compiled-statement';

export interface PgbenchScript {
  name: OperationName;
  type: OperationType;
  body: string;
}

/** pgbench's `\set NAME random(MIN, MAX)`: `between(MIN, MAX)` of operations/random-draws.ts. */
const draw = (name: string, min: number, max: number): string => `\\set ${name} random(${min}, ${max})`;
/** `pick(values)` of operations/random-draws.ts: an index drawn, the value taken from an array literal. */
const pickFrom = (values: readonly string[], index: string): string =>
  `(ARRAY[${values.map((v) => `'${v}'`).join(', ')}])[:${index}]`;
/** A statement of the catalog, its arguments written in, as a line of a script. */
const end = <A extends unknown[]>(query: Statement<A, unknown>, args: readonly string[]): string =>
  `${query.inlined(args)};`;
/** The catalog's order number is `ORD-` and a fresh UUID. */
const ORDER_NUMBER = "'ORD-' || gen_random_uuid()";

/** Each operation's script: its draws, then its statements (the catalog's SQL, variables written in). */
function bodies(shape: DataShape): Record<BusinessOperationName, string[]> {
  const uid = draw('uid', 1, shape.users);
  const pid = draw('pid', 1, shape.products);
  return {
    active_users: [end(activeUsersQuery, [])],
    order_stats_7d: [end(orderStats7dQuery, [])],
    product_search: [draw('cat', 1, CATEGORIES.length), end(productSearchQuery, [pickFrom(CATEGORIES, 'cat')])],
    user_orders: [uid, end(userOrdersQuery, [':uid'])],
    recent_logs: [end(recentLogsQuery, [])],
    update_login: [uid, end(updateLoginQuery, [':uid'])],
    create_order: [uid, draw('cents', 1000, 99_999), end(createOrderQuery, [':uid', ORDER_NUMBER, ':cents / 100.0'])],
    adjust_stock: [pid, draw('delta', -10, 10), end(adjustStockQuery, [':pid', ':delta'])],
    insert_log: [
      uid,
      draw('act', 1, LOG_ACTIONS.length),
      draw('octet3', 0, 255),
      draw('octet4', 1, 254),
      end(insertLogQuery, [
        ':uid',
        pickFrom(LOG_ACTIONS, 'act'),
        "'workload activity pgbench-' || gen_random_uuid()",
        "('10.0.' || :octet3 || '.' || :octet4)::inet",
      ]),
    ],
    purchase: purchase(uid, pid),
  };
}

/** The purchase: the stock checked under the row lock (`\gset`), bought only when there is enough. */
function purchase(uid: string, pid: string): string[] {
  return [
    uid,
    pid,
    draw('qty', 1, 3),
    'BEGIN;',
    `${lockProductQuery.inlined([':pid'])} \\gset`,
    '\\if :stock >= :qty',
    end(confirmedOrderQuery, [':uid', ORDER_NUMBER, ':price::numeric * :qty::int']),
    end(takeStockQuery, [':pid', ':qty']),
    end(purchaseLogQuery, [':uid', "'pgbench purchase'"]),
    'COMMIT;',
    '\\else',
    'ROLLBACK;',
    '\\endif',
  ];
}

/** The catalog's operations, in its order and with its types, each as a pgbench script. */
export function pgbenchScripts(shape: DataShape = { users: 1000, products: 200 }): PgbenchScript[] {
  const scripts = bodies(shape);
  return catalog(shape).map(({ name, type }) => {
    return { name, type, body: scripts[name as BusinessOperationName].join('\n') };
  });
}

/** pgbench `-f file@weight` weights: integers in the same proportions as the workload's. */
export function pgbenchWeights(
  scripts: PgbenchScript[],
  weights: Record<OperationType, number>,
): Map<OperationName, number> {
  const count = (type: OperationType) => scripts.filter((s) => s.type === type).length;
  // 60 is divisible by 5 reads, 4 writes and 1 transaction: every share is a whole number.
  return new Map(scripts.map((s) => [s.name, (weights[s.type] * 60) / count(s.type)]));
}
