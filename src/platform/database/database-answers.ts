/** Whether a database answers: a fresh connection and `SELECT 1` on a named connection. */
import type { ConnectionRole } from '../connections';
import { withClient } from './with-client';

/** True when a `SELECT 1` answers on the named connection (the lab's start-up asks as setup: the workload's role may not exist yet). */
export async function databaseAnswers(
  connection: string,
  timeoutMs = 2000,
  role: ConnectionRole = 'workload',
): Promise<boolean> {
  return await withClient(
    connection,
    { connectTimeoutMs: timeoutMs, statementTimeoutMs: timeoutMs, role },
    async (client) => {
      await client.query('SELECT 1');
      return true;
    },
  ).catch(() => false);
}
