/** A plain pg client's settings for a lab port (127.0.0.1), sharing nothing with faultline's own connections. */
import type { ClientConfig } from 'pg';
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
