/** A plain pg client's settings for a lab port (127.0.0.1), sharing nothing with faultline's own connections. */
import type { Client, ClientConfig } from 'pg';
import { labSettings } from '../../../src/platform/settings';

export function labClientConfig(port: number, extra: ClientConfig = {}): ClientConfig {
  const lab = labSettings();
  return {
    host: '127.0.0.1',
    port,
    database: lab.dbName,
    user: lab.dbUser,
    password: process.env.FAULTLINE_DB_PASSWORD || 'faultline',
    ...extra,
  };
}

/** Cuts a client's socket: a connection held by a stalled server would not answer a polite end(). */
export function cutSocket(client: Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
