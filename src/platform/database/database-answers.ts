/** Whether a database answers: a fresh connection and `SELECT 1` on a named connection. */
import { withClient } from './with-client';

/** True when a `SELECT 1` answers on the named connection. */
export async function databaseAnswers(connection: string, timeoutMs = 2000): Promise<boolean> {
  return await withClient(
    connection,
    { connectTimeoutMs: timeoutMs, statementTimeoutMs: timeoutMs },
    async (client) => {
      await client.query('SELECT 1');
      return true;
    },
  ).catch(() => false);
}
