/**
 * One connection for one job: connect on a named connection, use it, close it whatever happened.
 * (A `pg` client that is not listened to for errors would crash the process when its server dies.)
 */
import { Client, type ClientConfig } from 'pg';
import { poolConfigFor, type OpenDatabaseOptions } from './open-database';

export function withClient<T>(
  connection: string,
  options: OpenDatabaseOptions,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  return withClientConfig(poolConfigFor(connection, options), use);
}

/** The same, on a client configuration already built (a named connection's, adjusted). */
export async function withClientConfig<T>(config: ClientConfig, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
