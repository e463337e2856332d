/**
 * `faultline init --http NAME=BASE_URL --service DB`: seed 000's suite for any HTTP service, as
 * three experiments the user edits to their own requests: normal operation (no fault), the database
 * failure (its container stopped), and all (30 s of normal operation, then the failure). Each
 * measures the service's HTTP API beside its database, with the health request in the steady-state
 * hypothesis and the audit of what it acknowledged. Pure.
 */
import { httpEnvKey, labHttpTargetNames } from '../shared/http-workload-schema';
import { CONNECTION_NAME } from '../shared/schema-fields';
import type { OwnService } from './own-service';

export interface HttpTargetArg {
  name: string;
  /** The URL to print: a password in it replaced by <password>, as init does for connections. */
  shown: string;
  envVar: string;
}

/** `shop=http://127.0.0.1:8080`, checked: a target name and an http(s) URL. */
export function parseHttpArg(arg: string): HttpTargetArg {
  const eq = arg.indexOf('=');
  const name = eq > 0 ? arg.slice(0, eq) : '';
  const baseUrl = arg.slice(eq + 1);
  if (!CONNECTION_NAME.test(name))
    throw new Error(
      `--http: "${arg}" must be NAME=BASE_URL, NAME lowercase letters, digits, - and _ (e.g. shop=http://127.0.0.1:8080)`,
    );
  if (labHttpTargetNames.includes(name))
    throw new Error(
      `--http: "${name}" is one of the lab's HTTP targets (${labHttpTargetNames.join(', ')}): name another`,
    );
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(
      `--http: the base URL of "${name}" is not a URL (e.g. http://127.0.0.1:8080); the value is not shown`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--http: the base URL of "${name}" must be an http:// or https:// URL`);
  const trimmed = baseUrl.replace(/\/+$/, '');
  const shown = url.password ? trimmed.replace(`:${url.password}@`, ':<password>@') : trimmed;
  return { name, shown, envVar: httpEnvKey(name) };
}

const REFUSED = [{ status: 503, retryAfter: true }];

/** The HTTP workload of the suite: the seed's payment and health requests, to be edited to the user's own. */
function httpWorkload(target: string, connection: string) {
  return {
    targets: [target],
    ratePerSecond: 10,
    timeoutMs: 15_000,
    requests: [
      {
        name: 'create_payment',
        weight: 8,
        method: 'POST',
        path: '/payment',
        body: { order_id: { $requestId: true }, amount: { $randomInt: [100, 50_000], divideBy: 100 } },
        served: [200, 201],
        refused: REFUSED,
        json: true,
      },
      { name: 'health', weight: 2, method: 'GET', path: '/health', served: [200], refused: REFUSED },
    ],
    health: { path: '/health', status: 200, fields: {}, maxLatencyMs: 1000 },
    audit: { request: 'create_payment', connection, query: 'SELECT 1 FROM payments WHERE order_id = $1' },
  };
}

export type SuiteCase = 'normal' | 'database-failure' | 'all';

/** The three cases' definitions, by the file name each is written to. */
export function httpSuite(
  own: OwnService,
  http: HttpTargetArg,
  faultSeconds: number,
): Record<SuiteCase, Record<string, unknown>> {
  const common = {
    paths: [own.connection],
    http: httpWorkload(http.name, own.connection),
    workload: own.definition.workload,
    report: { directory: 'reports' },
  };
  const fault = { kind: 'docker', action: 'stop', target: { container: own.container }, gracePeriodSeconds: 10 };
  const which = `${http.name} (its database: compose service ${own.service}, ${own.container})`;
  return {
    normal: {
      name: `${http.name}-normal`,
      description: `Seed 000, case 1 (normal operation): ${which} with its database up; every acknowledged write must be in its table.`,
      ...common,
      durations: { warmupSeconds: 5, faultSeconds: 20, recoveryTimeoutSeconds: 60 },
    },
    'database-failure': {
      name: `${http.name}-database-failure`,
      description: `Seed 000, case 2 (database failure): ${which}, its database stopped for ${faultSeconds} s; it must refuse gracefully (503), lose no acknowledged write and recover by itself.`,
      ...common,
      fault,
      durations: { warmupSeconds: 10, faultSeconds, recoveryTimeoutSeconds: 60 },
    },
    all: {
      name: `${http.name}-all`,
      description: `Seed 000, case 3 (the full suite): ${which}, 30 s of normal operation, then its database stopped for ${faultSeconds} s, recovery and the audit, in one experiment.`,
      ...common,
      fault,
      durations: { warmupSeconds: 30, faultSeconds, recoveryTimeoutSeconds: 60 },
    },
  };
}
