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

/** The cluster's services that keep its state: the DCS and the nodes. */
const CLUSTER_STATE_SERVICES = ['etcd', 'node1', 'node2'];

/**
 * The Patroni cluster keeps its data inside its containers. Compose recreates a container whose
 * image was rebuilt; nodes recreated empty beside an etcd that remembers the cluster would wait
 * forever for a bootstrap etcd says already happened (and an etcd recreated beside full nodes
 * forgets their leader). So when any of them runs an outdated image, all of them are removed,
 * to be created together.
 */
async function retireOutdatedCluster(): Promise<void> {
  const settings = labSettings();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${settings.composeProject}`] },
  });
  const stateful = containers.filter((c) =>
    CLUSTER_STATE_SERVICES.includes(c.Labels['com.docker.compose.service'] ?? ''),
  );
  for (const c of stateful) {
    // The image as configured (a tag); the list shows an ID instead once the tag has moved on.
    const info = await docker.getContainer(c.Id).inspect();
    const current = await docker
      .getImage(info.Config.Image)
      .inspect()
      .then((image) => image.Id)
      .catch(() => undefined);
    if (current !== undefined && current === info.Image) continue;
    await compose(['rm', '--stop', '--force', ...CLUSTER_STATE_SERVICES]);
    return;
  }
}

export async function startStack(): Promise<void> {
  await requireDocker();
  await retireOutdatedCluster();
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
  await waitUntil('database on 127.0.0.1 (direct)', () => databaseAnswers('direct', 2000, 'setup'), {
    timeoutMs: 30_000,
  });
  await waitUntil('PgBouncer on 127.0.0.1 (proxy)', () => databaseAnswers('proxy', 2000, 'setup'), {
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
