/**
 * The lab's payments table, for tests that must prove a request changed nothing: a digest of every
 * row, a wait until no payment workflow is still writing, and the rows added since an id.
 */
import { PAYMENT_TASK_QUEUE } from '../../../src/shared/names';
import { sqlQuery } from './lab-database';
import { testClient } from './temporal-client';

/** Count and digest of every row (order, amount, status, confirmation): equal means unchanged. */
export async function paymentsSnapshot(): Promise<string> {
  const [row] = await sqlQuery<{ n: string; digest: string | null }>(
    `SELECT count(*)::text AS n, md5(string_agg(order_id || ':' || amount || ':' || status || ':' || coalesce(confirmed_at::text, ''), ',' ORDER BY id)) AS digest FROM payments`,
  );
  return `${row!.n}/${row!.digest}`;
}

/**
 * Waits until no payment workflow is open, so that the payments table changes only by what the
 * test does next (an earlier test's payment accepted during an outage completes on its own time).
 */
export async function paymentsAtRest(): Promise<void> {
  const client = await testClient();
  const query = `TaskQueue = '${PAYMENT_TASK_QUEUE}' AND ExecutionStatus = 'Running'`;
  for (let i = 0; i < 120; i++) {
    if ((await client.workflow.count(query)).count === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`payment workflows still open after 60 s (${query})`);
}

/** The rows added since `afterId`, for a failure message. */
export async function rowsAfter(afterId: number): Promise<string> {
  const rows = await sqlQuery<{ order_id: string; status: string }>(
    `SELECT order_id, status FROM payments WHERE id > ${afterId} ORDER BY id`,
  );
  return rows.map((r) => `${r.order_id} (${r.status})`).join(', ');
}
