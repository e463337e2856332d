/**
 * Which Temporal server faultline talks to, read as the `temporal` CLI reads it
 * (@temporalio/envconfig): the TOML config file (TEMPORAL_CONFIG_FILE, else
 * ~/.config/temporalio/temporal.toml), its profile (TEMPORAL_PROFILE, else `default`), with
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS* and TEMPORAL_GRPC_META_*
 * over it. With none of them: the lab's dev server. Every connection to Temporal (the CLI's client,
 * the workers, the payment service, search attributes) is made from one of these.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { labSettings } from './settings';
import {
  loadClientConfig,
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
} from '@temporalio/envconfig';

export interface TemporalConnectOptions {
  address: string;
  tls?: TLSConfig | boolean | undefined;
  apiKey?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Where the settings came from, for people: `profile "prod" of /x/temporal.toml, TEMPORAL_* variables`. */
  source: string;
  /** `none`, `TLS` (the server's certificate checked) or `mTLS` (and a client certificate). */
  tls: 'none' | 'TLS' | 'mTLS';
  apiKey: boolean;
  /** The lab's own dev server (the default): `run` may start the lab for it. */
  lab: boolean;
  /** For Connection.connect and NativeConnection.connect. Holds the API key: never log it. */
  connection: TemporalConnectOptions;
}

type Env = Record<string, string | undefined>;

/** The lab dev server's address (FAULTLINE_TEMPORAL_PORT, 7233 by default), on loopback. */
export function labTemporalAddress(env: Env = process.env): string {
  return `127.0.0.1:${env.FAULTLINE_TEMPORAL_PORT || '7233'}`;
}

/** The config file envconfig reads, as it finds it. */
export function temporalConfigFile(env: Env = process.env): string | undefined {
  if (env.TEMPORAL_CONFIG_FILE) return env.TEMPORAL_CONFIG_FILE;
  const home = env.HOME ?? os.homedir();
  const dir = env.XDG_CONFIG_HOME || (home ? path.join(home, '.config') : undefined);
  return dir ? path.join(dir, 'temporalio', 'temporal.toml') : undefined;
}

function loadProfile(env: Env): ClientConfigProfile {
  const defined = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const file = temporalConfigFile(env);
  // envconfig 1.24 fails on a file without a [profile] table (an empty or comments-only one):
  // such a file configures nothing, as no file.
  const empty = file !== undefined && existsSync(file) && !/^\s*\[profile/m.test(readFileSync(file, 'utf8'));
  try {
    return loadClientConfigProfile({ overrideEnvVars: defined, disableFile: empty });
  } catch (err) {
    throw new Error(
      `Temporal configuration (${file ?? 'no config file'}${env.TEMPORAL_PROFILE ? `, TEMPORAL_PROFILE=${env.TEMPORAL_PROFILE}` : ''}): ${(err as Error).message}`,
    );
  }
}

/** Whether the config file has that profile (one without any has none). */
function hasProfile(file: string, name: string): boolean {
  if (!existsSync(file) || !/^\s*\[profile/m.test(readFileSync(file, 'utf8'))) return false;
  return loadClientConfig({ configSource: { path: file } }).profiles[name] !== undefined;
}

function sourceOf(env: Env, profileUsed: boolean): string {
  const parts: string[] = [];
  const file = temporalConfigFile(env);
  if (profileUsed && file) parts.push(`profile "${env.TEMPORAL_PROFILE || 'default'}" of ${file}`);
  const variables = Object.keys(env).filter((k) => k.startsWith('TEMPORAL_') && k !== 'TEMPORAL_CONFIG_FILE');
  const set = variables.filter((k) => k !== 'TEMPORAL_PROFILE' && env[k] !== undefined);
  if (set.length) parts.push(`${set.sort().join(', ')}`);
  return parts.length ? parts.join(', over it ') : "the lab's default (nothing configured)";
}

function isLoopbackLab(address: string, env: Env): boolean {
  const port = env.FAULTLINE_TEMPORAL_PORT || '7233';
  return ['127.0.0.1', 'localhost', '[::1]'].some((host) => address === `${host}:${port}`);
}

/** The Temporal server configured in `env` (the process's by default). Reads the files TLS names. */
export function temporalTarget(env: Env = process.env): TemporalTarget {
  const profile = loadProfile(env);
  const file = temporalConfigFile(env);
  const profileUsed = file !== undefined && hasProfile(file, env.TEMPORAL_PROFILE || 'default');
  let options;
  try {
    options = toClientOptions(profile);
  } catch (err) {
    throw new Error(`Temporal TLS configuration: ${(err as Error).message} (TEMPORAL_TLS_* or the profile's [tls])`);
  }
  const address = profile.address || labTemporalAddress(env);
  const tlsConfig = options.connectionOptions.tls ?? undefined;
  const tls = !tlsConfig ? 'none' : typeof tlsConfig === 'object' && tlsConfig.clientCertPair ? 'mTLS' : 'TLS';
  const apiKey = typeof profile.apiKey === 'string' && profile.apiKey !== '';
  return {
    address,
    namespace: profile.namespace || 'default',
    source: sourceOf(env, profileUsed),
    tls,
    apiKey,
    lab: isLoopbackLab(address, env) && tls === 'none' && !apiKey,
    connection: {
      address,
      tls: tlsConfig,
      ...(apiKey ? { apiKey: profile.apiKey } : {}),
      ...(profile.grpcMeta ? { metadata: profile.grpcMeta } : {}),
    },
  };
}

let configured: TemporalTarget | undefined;

/** This process's configured Temporal (temporalTarget of its environment, read once). */
export function configuredTemporal(): TemporalTarget {
  configured ??= temporalTarget();
  return configured;
}

/**
 * The lab's dev server, whatever else is configured (`faultline up`, and the lab's workers): the
 * configured target when that is the lab (its namespace kept), else the lab's address, `default`.
 */
export function labTemporalTarget(env: Env = process.env): TemporalTarget {
  const target = (() => {
    try {
      return temporalTarget(env);
    } catch {
      return undefined; // a configuration the lab does not use
    }
  })();
  if (target?.lab) return target;
  const address = labTemporalAddress(env);
  return {
    address,
    namespace: 'default',
    source: "the lab's dev server",
    tls: 'none',
    apiKey: false,
    lab: true,
    connection: { address },
  };
}

/**
 * The environment of a process the lab starts (its workers): `env` with every Temporal setting
 * replaced by the lab's dev server, so a developer's own profile or TEMPORAL_* never reaches them.
 */
export function labTemporalEnv(env: Env = process.env): Env {
  const lab = labTemporalTarget(env);
  const kept = Object.entries(env).filter(([k]) => !k.startsWith('TEMPORAL_'));
  return {
    ...Object.fromEntries(kept),
    TEMPORAL_ADDRESS: lab.address,
    TEMPORAL_NAMESPACE: lab.namespace,
    // A file the lab never writes: envconfig reads no profile (a missing file is no configuration).
    TEMPORAL_CONFIG_FILE: path.join(labSettings().labDir, 'no-temporal-profile.toml'),
  };
}

/** `127.0.0.1:7233, namespace default, no TLS (the lab's default (nothing configured))`. */
export function describeTarget(t: TemporalTarget): string {
  const auth = [t.tls === 'none' ? 'no TLS' : t.tls, ...(t.apiKey ? ['API key'] : [])].join(', ');
  return `${t.address}, namespace ${t.namespace}, ${auth} (from ${t.source})`;
}

/**
 * Where people open the Web UI: FAULTLINE_TEMPORAL_UI_URL, else the lab dev server's, Temporal
 * Cloud's for a Cloud address, else not known (null).
 */
export function temporalUiUrl(target: TemporalTarget = configuredTemporal(), env: Env = process.env): string | null {
  const set = env.FAULTLINE_TEMPORAL_UI_URL?.trim();
  if (set) return set.replace(/\/+$/, '');
  if (target.lab) return `http://127.0.0.1:${labSettings().temporalUiPort}`;
  if (/\.(tmprl\.cloud|api\.temporal\.io):\d+$/.test(target.address)) return 'https://cloud.temporal.io';
  return null;
}

/** The Web UI's page of one workflow; null when the UI's address is not known. */
export function workflowUiUrl(workflowId: string, target: TemporalTarget = configuredTemporal()): string | null {
  const ui = temporalUiUrl(target);
  if (ui === null) return null;
  return `${ui}/namespaces/${encodeURIComponent(target.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
