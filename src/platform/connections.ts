/**
 * Named connections. Workflows and their histories only ever see a name (`direct`, `proxy`, ...);
 * the DSN, with its password, is resolved here, inside the activity, from the environment:
 *
 *   FAULTLINE_CONNECTION_<NAME>=postgres://user:password@host:port/db   (any name)
 *
 * Without it, the lab's names resolve to the lab: `direct` (the database), `proxy` (PgBouncer in
 * front of it), `cluster` (the Patroni cluster's writer endpoint, HAProxy), `cluster-reader` (its
 * reader endpoint) and `cluster-proxy` (PgBouncer in front of the writer endpoint); the lab's Aurora
 * (the same cluster behind an RDS API, src/lab/aurora-lab.ts): `aurora` (its writer endpoint, a DNS
 * TTL late after a failover), `aurora-reader` and `aurora-proxy` (its RDS Proxy stand-in).
 *
 * Two roles log in (docs/database-roles.md): the workload's (measured operations, probes, audit,
 * the payment service), which may only read and write the business tables, and setup's (the
 * business tables' DDL, `init.sql`, and their grants). A user's setup role is
 * FAULTLINE_SETUP_CONNECTION_<NAME>, and is the workload's URL when not set. In the lab the
 * workload logs in as FAULTLINE_WORKLOAD_USER (default `faultline_workload`, not a superuser, see
 * src/lab/workload-role.ts) with FAULTLINE_WORKLOAD_PASSWORD, setup as FAULTLINE_DB_USER with
 * FAULTLINE_DB_PASSWORD (defaults as in docker-compose.yml).
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

/** Who logs in: the measured workload and everything that reads, or the business tables' setup. */
export type ConnectionRole = 'workload' | 'setup';

/** The variable a connection's URL is read from: FAULTLINE_CONNECTION_<NAME> (setup's: FAULTLINE_SETUP_CONNECTION_<NAME>). */
export function envKey(name: string, role: ConnectionRole = 'workload'): string {
  const prefix = role === 'setup' ? 'FAULTLINE_SETUP_CONNECTION_' : 'FAULTLINE_CONNECTION_';
  return `${prefix}${name.toUpperCase().replace(/-/g, '_')}`;
}

/** The lab's workload role and its password (src/lab/workload-role.ts creates it). */
export function labWorkloadLogin(): { user: string; password: string } {
  return {
    user: process.env.FAULTLINE_WORKLOAD_USER || 'faultline_workload',
    password: process.env.FAULTLINE_WORKLOAD_PASSWORD || 'faultline-workload',
  };
}

/** The lab's named connections and their ports on 127.0.0.1. */
export function labPorts(lab = labSettings()): Record<string, number> {
  return {
    direct: lab.dbPort,
    proxy: lab.proxyPort,
    cluster: lab.clusterPort,
    'cluster-reader': lab.clusterReaderPort,
    'cluster-proxy': lab.clusterProxyPort,
    aurora: lab.aurora.writerPort,
    'aurora-reader': lab.aurora.readerPort,
    'aurora-proxy': lab.aurora.proxyPort,
  };
}

export function resolveConnection(name: string, role: ConnectionRole = 'workload'): ResolvedConnection {
  if (!CONNECTION_NAME.test(name)) {
    throw ApplicationFailure.nonRetryable(
      `connection name "${name}" is not valid (lowercase letters, digits, - and _)`,
      'UnknownConnection',
    );
  }
  const key = role === 'setup' && process.env[envKey(name, 'setup')] ? envKey(name, 'setup') : envKey(name);
  const url = process.env[key];
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // Node's error carries the input, password and all: it must reach no message and no log.
      throw ApplicationFailure.nonRetryable(
        `${key} is not a valid postgres:// URL (a password with / @ # % or : must be percent-encoded); the value is not shown`,
        'UnknownConnection',
      );
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw ApplicationFailure.nonRetryable(
        `${key} must be a postgres:// URL (got ${parsed.protocol}//...)`,
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
  const login =
    role === 'setup'
      ? { user: lab.dbUser, password: process.env.FAULTLINE_DB_PASSWORD || 'faultline' }
      : labWorkloadLogin();
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
    pool: { host: lab.dbHost, port, database: lab.dbName, ...login },
  };
}

/** The user a resolved connection logs in as (not secret: it is no password). */
export function connectionUser(resolved: ResolvedConnection): string | undefined {
  const { connectionString, user } = resolved.pool;
  if (connectionString) return decodeURIComponent(new URL(connectionString).username) || undefined;
  return user;
}
