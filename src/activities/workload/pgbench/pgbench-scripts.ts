/**
 * Seed 001's ten statements as pgbench scripts, weighted like the workload: a type's weight is
 * shared equally by its operations (reads 5 x 14, writes 4 x 5, the purchase 10 by default).
 * Parameters are drawn the same way as operation-catalog.ts draws them.
 */
import type { OperationName, OperationType } from '../../../shared/workload-types';

export interface PgbenchScript {
  name: OperationName;
  type: OperationType;
  body: string;
}

const CATEGORY_ARRAY = "(ARRAY['electronics','books','clothing','home','sports','toys','grocery','beauty'])";

type Row = [name: OperationName, type: OperationType, body: string];
const rows = (entries: Row[]): PgbenchScript[] => entries.map(([name, type, body]) => ({ name, type, body }));

function reads(uid: string): PgbenchScript[] {
  return rows([
    [
      'active_users',
      'read',
      `SELECT id, username, email, last_login, login_count, status FROM business_users WHERE status = 'active' ORDER BY last_login DESC NULLS LAST LIMIT 20;`,
    ],
    [
      'order_stats_7d',
      'read',
      `SELECT status, COUNT(*) AS count, SUM(amount) AS total_amount FROM business_orders WHERE created_at >= CURRENT_DATE - INTERVAL '7 days' GROUP BY status;`,
    ],
    [
      'product_search',
      'read',
      `\\set cat random(1, 8)\nSELECT id, name, price, stock, category FROM business_products WHERE category = ${CATEGORY_ARRAY}[:cat] AND stock > 0 ORDER BY price LIMIT 10;`,
    ],
    [
      'user_orders',
      'read',
      `${uid}\nSELECT o.id, o.order_number, o.amount, o.status, o.created_at FROM business_orders o JOIN business_users u ON o.user_id = u.id WHERE u.id = :uid ORDER BY o.created_at DESC LIMIT 10;`,
    ],
    [
      'recent_logs',
      'read',
      `SELECT l.action, l.details, l.created_at, u.username FROM business_logs l LEFT JOIN business_users u ON l.user_id = u.id WHERE l.created_at >= CURRENT_TIMESTAMP - INTERVAL '1 hour' ORDER BY l.created_at DESC LIMIT 50;`,
    ],
  ]);
}

function writes(uid: string, pid: string): PgbenchScript[] {
  return rows([
    [
      'update_login',
      'write',
      `${uid}\nUPDATE business_users SET last_login = CURRENT_TIMESTAMP, login_count = login_count + 1 WHERE id = :uid;`,
    ],
    [
      'create_order',
      'write',
      `${uid}\n\\set cents random(1000, 99999)\nINSERT INTO business_orders (user_id, order_number, amount, status) VALUES (:uid, 'ORD-' || gen_random_uuid(), :cents / 100.0, 'pending');`,
    ],
    [
      'adjust_stock',
      'write',
      `${pid}\n\\set delta random(-10, 10)\nUPDATE business_products SET stock = GREATEST(0, stock + :delta) WHERE id = :pid;`,
    ],
    [
      'insert_log',
      'write',
      `${uid}\n\\set a random(1, 254)\nINSERT INTO business_logs (user_id, action, details, ip_address) VALUES (:uid, 'search', 'workload activity', ('10.0.0.' || :a)::inet);`,
    ],
  ]);
}

function purchase(uid: string, pid: string): PgbenchScript {
  const body = [
    uid,
    pid,
    '\\set qty random(1, 3)',
    'BEGIN;',
    'SELECT stock, price FROM business_products WHERE id = :pid FOR UPDATE \\gset',
    '\\if :stock >= :qty',
    "INSERT INTO business_orders (user_id, order_number, amount, status) VALUES (:uid, 'ORD-' || gen_random_uuid(), :price::numeric * :qty::int, 'confirmed');",
    'UPDATE business_products SET stock = stock - :qty WHERE id = :pid;',
    "INSERT INTO business_logs (user_id, action, details) VALUES (:uid, 'purchase', 'pgbench purchase');",
    'COMMIT;',
    '\\else',
    'ROLLBACK;',
    '\\endif',
  ];
  return { name: 'purchase', type: 'transaction', body: body.join('\n') };
}

export function pgbenchScripts(shape = { users: 1000, products: 200 }): PgbenchScript[] {
  const uid = `\\set uid random(1, ${shape.users})`;
  const pid = `\\set pid random(1, ${shape.products})`;
  return [...reads(uid), ...writes(uid, pid), purchase(uid, pid)];
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
