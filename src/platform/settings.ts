/**
 * Where the lab's parts live. Every value comes from the environment, with the defaults of
 * docker-compose.yml, so a user can move ports and names without editing code.
 */
import path from 'node:path';
import { EXPERIMENT_TASK_QUEUE } from '../shared/experiment-contract';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

function seconds(name: string, fallback: number): number {
  const raw = env(name, String(fallback));
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 300)
    throw new Error(`${name} must be 0-300 seconds, got "${raw}"`);
  return value;
}

function port(name: string, fallback: number): number {
  const raw = env(name, String(fallback));
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port (1-65535), got "${raw}"`);
  }
  return value;
}

export interface LabSettings {
  /** Folder for state, logs and the Temporal dev server's database (git-ignored). */
  labDir: string;
  composeFile: string;
  composeProject: string;
  dbContainer: string;
  proxyContainer: string;
  dbHost: string;
  dbPort: number;
  proxyPort: number;
  /** The Patroni cluster: HAProxy's writer and reader ports, PgBouncer in front of the writer. */
  clusterPort: number;
  clusterReaderPort: number;
  clusterProxyPort: number;
  /** Patroni's scope (the cluster's name in the DCS); its nodes carry it as a label. */
  clusterScope: string;
  clusterProxyContainer: string;
  /** The lab's Aurora (lab/aurora/aurora_lab.py): its RDS API, writer and reader endpoints, RDS Proxy stand-in. */
  aurora: {
    rdsPort: number;
    cluster: string;
    writerPort: number;
    readerPort: number;
    proxyPort: number;
    /** Seconds the writer endpoint keeps resolving to the old writer (Aurora's DNS TTL). */
    dnsTtlSeconds: number;
    /** The nodes' PostgreSQL ports on 127.0.0.1, by member. */
    nodePorts: Record<string, number>;
  };
  /** Seed 000's Flask payment service (lab/payments-flask), the lab's HTTP target `flask`. */
  flaskPort: number;
  flaskContainer: string;
  /** The same, broken on purpose (profile `broken`, started by a test): the HTTP target `flask-broken`. */
  flaskBrokenPort: number;
  dbName: string;
  dbUser: string;
  /** The lab's dev server (the configured Temporal is temporal-target.ts's). */
  temporalAddress: string;
  temporalPort: number;
  temporalUiPort: number;
  temporalCli: string;
}

export function labSettings(): LabSettings {
  const labDir = env('FAULTLINE_LAB_DIR', path.join(PROJECT_ROOT, '.lab'));
  const temporalPort = port('FAULTLINE_TEMPORAL_PORT', 7233);
  const temporalUiPort = port('FAULTLINE_TEMPORAL_UI_PORT', temporalPort + 1000);
  return {
    labDir,
    composeFile: path.join(PROJECT_ROOT, 'docker-compose.yml'),
    composeProject: env('FAULTLINE_COMPOSE_PROJECT', 'faultline'),
    dbContainer: env('FAULTLINE_DB_CONTAINER', 'faultline-db'),
    proxyContainer: env('FAULTLINE_PROXY_CONTAINER', 'faultline-proxy'),
    dbHost: '127.0.0.1',
    dbPort: port('FAULTLINE_DB_PORT', 15432),
    flaskPort: port('FAULTLINE_FLASK_PORT', 15000),
    flaskContainer: env('FAULTLINE_FLASK_CONTAINER', 'faultline-payments-flask'),
    flaskBrokenPort: port('FAULTLINE_FLASK_BROKEN_PORT', 15001),
    proxyPort: port('FAULTLINE_PROXY_PORT', 16432),
    clusterPort: port('FAULTLINE_CLUSTER_PORT', 15433),
    clusterReaderPort: port('FAULTLINE_CLUSTER_READER_PORT', 15434),
    clusterProxyPort: port('FAULTLINE_CLUSTER_PROXY_PORT', 16433),
    clusterScope: env('FAULTLINE_CLUSTER_SCOPE', 'faultline-cluster'),
    clusterProxyContainer: env('FAULTLINE_CLUSTER_PROXY_CONTAINER', 'faultline-cluster-proxy'),
    aurora: {
      rdsPort: port('FAULTLINE_MOTO_PORT', 5055),
      cluster: env('FAULTLINE_AURORA_CLUSTER', 'faultline-aurora'),
      writerPort: port('FAULTLINE_AURORA_WRITER_PORT', 15437),
      readerPort: port('FAULTLINE_AURORA_READER_PORT', 15438),
      proxyPort: port('FAULTLINE_AURORA_PROXY_PORT', 16434),
      dnsTtlSeconds: seconds('FAULTLINE_AURORA_DNS_TTL', 5),
      nodePorts: { node1: port('FAULTLINE_NODE1_PG_PORT', 15435), node2: port('FAULTLINE_NODE2_PG_PORT', 15436) },
    },
    dbName: env('FAULTLINE_DB_NAME', 'faultline'),
    dbUser: env('FAULTLINE_DB_USER', 'faultline'),
    temporalAddress: `127.0.0.1:${temporalPort}`,
    temporalPort,
    temporalUiPort,
    temporalCli: env('FAULTLINE_TEMPORAL_CLI', path.join(labDir, 'venv', 'bin', 'temporal')),
  };
}

/**
 * The experiments' task queue: `faultline` (EXPERIMENT_TASK_QUEUE), or FAULTLINE_TASK_QUEUE for a
 * worker with an environment of its own beside the lab's, and for the CLI that starts its
 * experiments.
 */
export function experimentTaskQueue(): string {
  return process.env.FAULTLINE_TASK_QUEUE?.trim() || EXPERIMENT_TASK_QUEUE;
}
