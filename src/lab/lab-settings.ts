/**
 * Where the lab's parts live. Every value comes from the environment, with the defaults of
 * docker-compose.yml, so a user can move ports and names without editing code.
 */
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
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
  dbName: string;
  dbUser: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalPort: number;
  temporalUiPort: number;
  temporalCli: string;
  motoServer: string;
}

export function labSettings(): LabSettings {
  const labDir = env('FAULTLINE_LAB_DIR', path.join(PROJECT_ROOT, '.lab'));
  const temporalPort = port('FAULTLINE_TEMPORAL_PORT', 7233);
  return {
    labDir,
    composeFile: path.join(PROJECT_ROOT, 'docker-compose.yml'),
    composeProject: env('FAULTLINE_COMPOSE_PROJECT', 'faultline'),
    dbContainer: env('FAULTLINE_DB_CONTAINER', 'faultline-db'),
    proxyContainer: env('FAULTLINE_PROXY_CONTAINER', 'faultline-proxy'),
    dbHost: '127.0.0.1',
    dbPort: port('FAULTLINE_DB_PORT', 15432),
    proxyPort: port('FAULTLINE_PROXY_PORT', 16432),
    dbName: env('FAULTLINE_DB_NAME', 'faultline'),
    dbUser: env('FAULTLINE_DB_USER', 'faultline'),
    temporalAddress: env('TEMPORAL_ADDRESS', `127.0.0.1:${temporalPort}`),
    temporalNamespace: env('TEMPORAL_NAMESPACE', 'default'),
    temporalPort,
    temporalUiPort: port('FAULTLINE_TEMPORAL_UI_PORT', temporalPort + 1000),
    temporalCli: env('FAULTLINE_TEMPORAL_CLI', path.join(labDir, 'venv', 'bin', 'temporal')),
    motoServer: env('FAULTLINE_MOTO_SERVER', path.join(labDir, 'venv', 'bin', 'moto_server')),
  };
}
