/**
 * Named HTTP targets: a definition names a service's base URL (`http.targets`), the worker reads it
 * from its environment, as it does connections:
 *
 *   FAULTLINE_HTTP_<NAME>=https://shop.internal:8443/api   (any name)
 *
 * Without it, the lab's names resolve to the lab: `flask` (seed 000's Flask payment service,
 * lab/payments-flask), `flask-broken` (the same, broken on purpose; started by a test) and
 * `payment-service` (faultline's own payment service's HTTP API). A URL's user and password, and its
 * query (an API key, say: sent with every request), never reach a log, a report or the history.
 */
import { ApplicationFailure } from '@temporalio/common';
import { httpEnvKey } from '../shared/http-workload-schema';
import { labSettings } from './settings';

export interface ResolvedHttpTarget {
  name: string;
  /** The base URL, without a trailing slash. */
  baseUrl: string;
  /** scheme://host:port/path, for logs and reports (no user, no password). */
  display: string;
  /** From the URL's user and password (Basic); never logged. */
  authorization?: string;
  /** The URL's query (`?key=...`, which may be a secret): sent with every request, never shown. */
  query?: string;
}

/** The URL of `path` (which may have its own query) on a target: the target's query parameters added. */
export function targetUrl(target: ResolvedHttpTarget, path: string): string {
  const url = new URL(`${target.baseUrl}${path}`);
  for (const [key, value] of new URLSearchParams(target.query ?? '')) url.searchParams.append(key, value);
  return url.toString();
}

/** The lab's HTTP targets. */
export function labHttpTargets(lab = labSettings()): Record<string, string> {
  return {
    flask: `http://127.0.0.1:${lab.flaskPort}`,
    'flask-broken': `http://127.0.0.1:${lab.flaskBrokenPort}`,
    'payment-service': `http://127.0.0.1:${process.env.FAULTLINE_SERVICE_PORT || 15080}`,
  };
}

export function resolveHttpTarget(name: string): ResolvedHttpTarget {
  const key = httpEnvKey(name);
  const raw = process.env[key] || labHttpTargets()[name];
  if (!raw)
    throw ApplicationFailure.nonRetryable(
      `unknown HTTP target "${name}": set ${key} to its base URL (the lab has ${Object.keys(labHttpTargets()).join(', ')})`,
      'UnknownHttpTarget',
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ApplicationFailure.nonRetryable(`${key} is not a valid URL; the value is not shown`, 'UnknownHttpTarget');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw ApplicationFailure.nonRetryable(`${key} must be an http:// or https:// URL`, 'UnknownHttpTarget');
  const display = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  // fetch refuses a URL with credentials: they go in a header of their own.
  const authorization = url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : undefined;
  return {
    name,
    baseUrl: display,
    display,
    ...(authorization ? { authorization } : {}),
    ...(url.search ? { query: url.search } : {}),
  };
}
