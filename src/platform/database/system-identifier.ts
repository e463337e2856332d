/**
 * Which database system a named connection reaches: PostgreSQL's system identifier (pg_control,
 * the same on every member of one cluster and through any proxy in front of it, different for
 * every other initdb). Readable by any role. Null when the connection does not answer in time.
 */
import { withClient } from './with-client';

const TIMEOUT_MS = 3000;

export async function systemIdentifierOf(connection: string): Promise<string | null> {
  try {
    return await withClient(
      connection,
      { connectTimeoutMs: TIMEOUT_MS, statementTimeoutMs: TIMEOUT_MS, applicationName: 'faultline-target-check' },
      async (client) => {
        const { rows } = await client.query<{ id: string }>(
          'SELECT system_identifier::text AS id FROM pg_control_system()',
        );
        return rows[0]?.id ?? null;
      },
    );
  } catch {
    return null;
  }
}
