/**
 * A plain pg client's settings for a lab port (127.0.0.1), sharing nothing with faultline's own
 * connections. As the lab's superuser by default (a test's administrator), or as the workload's
 * role: an independent observer of what the workload saw logs in as it, since PgBouncer keeps a
 * pool of server connections per user, and another user's pool can come back at another time.
 */
import type { Client, ClientConfig } from 'pg';
import { labWorkloadLogin } from '../../../src/platform/connections';
import { labSettings } from '../../../src/platform/settings';

export function labClientConfig(
  port: number,
  extra: ClientConfig = {},
  as: 'admin' | 'workload' = 'admin',
): ClientConfig {
  const lab = labSettings();
  const login =
    as === 'workload'
      ? labWorkloadLogin()
      : { user: lab.dbUser, password: process.env.FAULTLINE_DB_PASSWORD || 'faultline' };
  return { host: '127.0.0.1', port, database: lab.dbName, ...login, ...extra };
}

/** Cuts a client's socket: a connection held by a stalled server would not answer a polite end(). */
export function cutSocket(client: Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
