/** One Temporal client per worker process, for activities that talk to Temporal (phase queries). */
import type { Client } from '@temporalio/client';
import { connectClient } from './temporal-connection';

let client: Promise<Client> | undefined;

export function sharedClient(): Promise<Client> {
  client ??= connectClient().catch((err: unknown) => {
    client = undefined;
    throw err;
  });
  return client;
}
