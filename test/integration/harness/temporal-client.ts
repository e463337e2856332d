/** A Temporal client for tests, closed after the run. */
import type { Client } from '@temporalio/client';
import { connectClient } from '../../../src/platform/temporal-connection';

let client: Client | undefined;

export async function testClient(): Promise<Client> {
  client ??= await connectClient();
  return client;
}

after(async () => {
  await client?.connection.close();
  client = undefined;
});
