/**
 * Where a workload connection logs in, read from a pg ClientConfig as pg reads it: the fields, then
 * a postgres:// connectionString over them, then PG* environment variables and pg's defaults
 * (localhost:5432, the database named as the user). SSL as pg takes it: `ssl: true` or TLS options,
 * `?ssl=true|1|0`, `?sslmode=disable` (none), `prefer|require|verify-ca|verify-full` (verified, as
 * pg does without libpq compatibility), `no-verify` (unverified), PGSSLMODE alike. What the
 * connection cannot do (direct SSL negotiation, channel binding) is refused here, not ignored.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';

export interface WireTarget {
  host: string;
  port: number;
  user: string;
  database: string;
  password: ClientConfig['password'];
  /** false: plain TCP; true or TLS options: SSLRequest, then TLS (wire-connection.ts). */
  ssl: boolean | ConnectionOptions;
  /** The StartupMessage's parameters besides user and database, as pg sends them. */
  startup: Record<string, string>;
}

type Fields = Record<string, unknown>;

/** A postgres:// URL's settings in pg's names (pg-connection-string's reading of the same URL). */
function urlFields(connectionString: string): Fields {
  const url = new URL(connectionString);
  const fields: Fields = Object.fromEntries(url.searchParams);
  fields.user ??= decodeURIComponent(url.username) || undefined;
  fields.password ??= decodeURIComponent(url.password) || undefined;
  fields.host ??= decodeURIComponent(url.hostname.replace(/^\[(.+)\]$/, '$1')) || undefined;
  fields.port ??= url.port || undefined;
  fields.database = decodeURI(url.pathname.slice(1)) || undefined;
  if (fields.ssl === 'true' || fields.ssl === '1') fields.ssl = true;
  if (fields.ssl === '0') fields.ssl = false;
  if (fields.sslcert || fields.sslkey || fields.sslrootcert || fields.sslmode) fields.ssl = urlTls(fields);
  return fields;
}

function urlTls(fields: Fields): boolean | ConnectionOptions {
  if (fields.uselibpqcompat !== undefined)
    throw new Error('uselibpqcompat is not supported by the workload connection');
  if (fields.sslmode === 'disable') return false;
  const tls: ConnectionOptions = {};
  const file = (key: string) => (typeof fields[key] === 'string' ? readFileSync(fields[key]).toString() : undefined);
  if (fields.sslcert) tls.cert = file('sslcert');
  if (fields.sslkey) tls.key = file('sslkey');
  if (fields.sslrootcert) tls.ca = file('sslrootcert');
  if (fields.sslmode === 'no-verify') tls.rejectUnauthorized = false;
  return tls;
}

function environmentSsl(): boolean | ConnectionOptions {
  switch (process.env.PGSSLMODE) {
    case 'prefer':
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return true;
    case 'no-verify':
      return { rejectUnauthorized: false };
    default:
      return false;
  }
}

/** pg's `val`: the setting, else its PG* environment variable, else the default. */
function setting(fields: Fields, key: string, env: string | undefined, fallback?: string): string | undefined {
  const value = fields[key];
  if (value !== undefined && value !== null && value !== '' && value !== 0) return String(value);
  return (env === undefined ? undefined : process.env[env]) || fallback;
}

function sslOf(fields: Fields): boolean | ConnectionOptions {
  const ssl = fields.ssl;
  if (ssl === undefined) return environmentSsl();
  if (ssl === 'true') return true;
  if (ssl === 'no-verify') return { rejectUnauthorized: false };
  if (typeof ssl === 'object' && ssl !== null) return ssl;
  return Boolean(ssl);
}

/** The StartupMessage's optional parameters, as pg's getStartupConf chooses them. */
function startupParameters(fields: Fields): Record<string, string> {
  const startup: Record<string, string> = {};
  const appName = setting(fields, 'application_name', 'PGAPPNAME') ?? setting(fields, 'fallback_application_name', '');
  if (appName) startup.application_name = appName;
  for (const key of ['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout']) {
    const value = fields[key];
    if (value) startup[key] = String(parseInt(String(value), 10));
  }
  const options = setting(fields, 'options', 'PGOPTIONS');
  if (options) startup.options = options;
  return startup;
}

export function wireTarget(config: ClientConfig): WireTarget {
  const fields: Fields = config.connectionString ? { ...config, ...urlFields(config.connectionString) } : { ...config };
  if (fields.sslnegotiation === 'direct' || process.env.PGSSLNEGOTIATION === 'direct')
    throw new Error('sslnegotiation=direct is not supported by the workload connection');
  if (fields.enableChannelBinding)
    throw new Error('channel binding (SCRAM-SHA-256-PLUS) is not supported by the workload connection');
  if (fields.replication) throw new Error('replication connections are not supported by the workload connection');
  const user = setting(fields, 'user', 'PGUSER', process.env.USER) ?? '';
  const password = (fields.password ?? process.env.PGPASSWORD) as WireTarget['password'];
  return {
    host: setting(fields, 'host', 'PGHOST', 'localhost')!,
    port: parseInt(setting(fields, 'port', 'PGPORT', '5432')!, 10),
    user,
    database: setting(fields, 'database', 'PGDATABASE') ?? user,
    password,
    ssl: sslOf(fields),
    startup: startupParameters(fields),
  };
}
