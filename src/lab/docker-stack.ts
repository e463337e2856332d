/** The compose stack (db, proxy): start, stop, health. Runs Debian's docker-compose (v1). */
import { spawn } from 'node:child_process';
import Docker from 'dockerode';
import { Client } from 'pg';
import { resolveConnection } from '../activities/connections';
import { labSettings } from './lab-settings';
import { waitUntil } from './wait-until';

export const docker = new Docker();

export const DOCKER_FIX = 'run `bash scripts/provision.sh` (installs Docker and starts dockerd)';

export async function dockerIsUp(): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

export async function requireDocker(): Promise<void> {
  if (!(await dockerIsUp())) {
    throw new Error(`Docker engine is not reachable at /var/run/docker.sock: ${DOCKER_FIX}`);
  }
}

function compose(args: string[]): Promise<void> {
  const settings = labSettings();
  return new Promise((resolve, reject) => {
    const child = spawn('docker-compose', ['-p', settings.composeProject, '-f', settings.composeFile, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => reject(new Error(`docker-compose could not run (${err.message}): ${DOCKER_FIX}`)));
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker-compose ${args.join(' ')} failed (exit ${code}):\n${output.trim()}`)),
    );
  });
}

export async function containerState(name: string): Promise<{ running: boolean; health?: string } | undefined> {
  try {
    const info = await docker.getContainer(name).inspect();
    return { running: info.State.Running, health: info.State.Health?.Status };
  } catch {
    return undefined;
  }
}

/** True when a `SELECT 1` answers on the named connection. */
export async function databaseAnswers(connection: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Client({ ...resolveConnection(connection).pool, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startStack(): Promise<void> {
  await requireDocker();
  await compose(['up', '-d', '--no-build']);
  const settings = labSettings();
  await waitUntil(`database container ${settings.dbContainer}`, async () => (await containerState(settings.dbContainer))?.health === 'healthy', {
    timeoutMs: 90_000,
    hint: `see \`docker logs ${settings.dbContainer}\``,
  });
  await waitUntil('database on 127.0.0.1 (direct)', () => databaseAnswers('direct'), { timeoutMs: 30_000 });
  await waitUntil('PgBouncer on 127.0.0.1 (proxy)', () => databaseAnswers('proxy'), {
    timeoutMs: 30_000,
    hint: `see \`docker logs ${settings.proxyContainer}\``,
  });
}

export async function stopStack(): Promise<void> {
  if (!(await dockerIsUp())) return;
  await compose(['down', '--remove-orphans', '--volumes']);
}

/** The ports of the project's containers, to check they are bound to loopback only. */
export async function publishedPorts(): Promise<Array<{ container: string; hostIp: string; hostPort: string }>> {
  const settings = labSettings();
  const containers = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${settings.composeProject}`] } });
  return containers.flatMap((c) =>
    c.Ports.filter((p) => p.PublicPort).map((p) => ({ container: c.Names[0]!.replace(/^\//, ''), hostIp: p.IP, hostPort: String(p.PublicPort) })),
  );
}
