/** Direct access to the lab database for assertions, and the db container's ground-truth control. */
import { openDatabase } from '../../../src/platform/database/open-database';
import { withClient } from '../../../src/platform/database/with-client';
import { databaseAnswers } from '../../../src/platform/database/database-answers';
import { docker } from '../../../src/platform/docker';
import { labSettings } from '../../../src/platform/settings';

export { openDatabase };

export async function sqlQuery<R extends Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
  connection = 'direct',
): Promise<R[]> {
  return await withClient(
    connection,
    // The tests' own observer and administrator: the setup role (the lab's superuser).
    { statementTimeoutMs: 60_000, role: 'setup' },
    async (client) => (await client.query<R>(text, params)).rows,
  );
}

export function dbContainer() {
  return docker.getContainer(labSettings().dbContainer);
}

/** Polls until the database answers a fresh connection; returns when it did (ms since the epoch). */
export async function waitUntilServing(connection = 'direct', timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await databaseAnswers(connection, 1000)) return Date.now();
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`database on ${connection} did not answer within ${timeoutMs} ms`);
}

/** Leaves the db container running and serving, whatever a test did to it. */
export async function ensureDbRunning(): Promise<void> {
  const info = await dbContainer().inspect();
  if (info.State.Paused) await dbContainer().unpause();
  else if (!info.State.Running) await dbContainer().start();
  await waitUntilServing();
}
