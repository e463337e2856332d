/**
 * Named connections. Workflows and their histories only ever see a name (`direct`, `proxy`, ...);
 * the DSN, with its password, is resolved here, inside the activity, from the environment:
 *
 *   FAULTLINE_CONNECTION_<NAME>=postgres://user:password@host:port/db   (any name)
 *
 * Without it, the lab's names resolve to the lab, with the password from FAULTLINE_DB_PASSWORD
 * (default `faultline`, as in docker-compose.yml): `direct` (the database), `proxy` (PgBouncer in
 * front of it), `cluster` (the Patroni cluster's writer endpoint, HAProxy), `cluster-reader` (its
 * reader endpoint) and `cluster-proxy` (PgBouncer in front of the writer endpoint).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PoolConfig } from 'pg';
import { labSettings } from './settings';
import { CONNECTION_NAME } from '../shared/schema-fields';

export interface ResolvedConnection {
  name: string;
  /** host:port/database, for logs and reports (never the password). */
  display: string;
  pool: PoolConfig;
}

/** The variable a connection's URL is read from: FAULTLINE_CONNECTION_<NAME>. */
export function envKey(name: string): string {
  return `FAULTLINE_CONNECTION_${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The lab's named connections and their ports on 127.0.0.1. */
export function labPorts(lab = labSettings()): Record<string, number> {
  return {
    direct: lab.dbPort,
    proxy: lab.proxyPort,
    cluster: lab.clusterPort,
    'cluster-reader': lab.clusterReaderPort,
    'cluster-proxy': lab.clusterProxyPort,
  };
}

export function resolveConnection(name: string): ResolvedConnection {
  if (!CONNECTION_NAME.test(name)) {
    throw ApplicationFailure.nonRetryable(
      `connection name "${name}" is not valid (lowercase letters, digits, - and _)`,
      'UnknownConnection',
    );
  }
  const url = process.env[envKey(name)];
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // Node's error carries the input, password and all: it must reach no message and no log.
      throw ApplicationFailure.nonRetryable(
        `${envKey(name)} is not a valid postgres:// URL (a password with / @ # % or : must be percent-encoded); the value is not shown`,
        'UnknownConnection',
      );
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw ApplicationFailure.nonRetryable(
        `${envKey(name)} must be a postgres:// URL (got ${parsed.protocol}//...)`,
        'UnknownConnection',
      );
    }
    return {
      name,
      display: `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
      pool: { connectionString: url },
    };
  }
  const lab = labSettings();
  const password = process.env.FAULTLINE_DB_PASSWORD || 'faultline';
  const ports = labPorts(lab);
  const port = Object.hasOwn(ports, name) ? ports[name] : undefined;
  if (port === undefined) {
    throw ApplicationFailure.nonRetryable(
      `unknown connection "${name}": set ${envKey(name)} to a postgres:// URL in the worker's environment`,
      'UnknownConnection',
    );
  }
  return {
    name,
    display: `${lab.dbHost}:${port}/${lab.dbName}`,
    pool: { host: lab.dbHost, port, database: lab.dbName, user: lab.dbUser, password },
  };
}
