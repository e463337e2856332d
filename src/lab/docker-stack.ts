/** The compose stack (db, proxy, the Patroni cluster): start, stop, health. Runs Debian's docker-compose (v1). */
import { spawn } from 'node:child_process';
import { databaseAnswers } from '../platform/database/database-answers';
import { docker, DOCKER_FIX, dockerIsUp, requireDocker } from '../platform/docker';
import { labSettings } from '../platform/settings';
import { waitUntil } from './wait-until';

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
      code === 0
        ? resolve()
        : reject(new Error(`docker-compose ${args.join(' ')} failed (exit ${code}):\n${output.trim()}`)),
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

export async function startStack(): Promise<void> {
  await requireDocker();
  await compose(['up', '-d', '--no-build']);
  const settings = labSettings();
  await waitUntil(
    `database container ${settings.dbContainer}`,
    async () => (await containerState(settings.dbContainer))?.health === 'healthy',
    {
      timeoutMs: 90_000,
      hint: `see \`docker logs ${settings.dbContainer}\``,
    },
  );
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
  const containers = await docker.listContainers({
    filters: { label: [`com.docker.compose.project=${settings.composeProject}`] },
  });
  return containers.flatMap((c) =>
    c.Ports.filter((p) => p.PublicPort).map((p) => ({
      container: c.Names[0]!.replace(/^\//, ''),
      hostIp: p.IP,
      hostPort: String(p.PublicPort),
    })),
  );
}
