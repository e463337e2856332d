/**
 * `faultline init`: an experiment for a user's own Docker Compose service. Finds the service's one
 * running container, checks that it opted in (label faultline.target=true), and writes a definition
 * that stops it while custom operations run against it through a named connection, whose URL the
 * worker reads from its environment (FAULTLINE_CONNECTION_<NAME>; never written to the file).
 */
import type Docker from 'dockerode';
import { docker } from '../platform/docker';
import { DOCKER_TARGET_LABEL } from '../shared/names';
import { CONNECTION_NAME } from '../shared/schema-fields';
import { envKey, labPorts } from '../platform/connections';

export interface OwnService {
  /** The compose service, and its one container. */
  service: string;
  container: string;
  /** The connection's name in the definition, and the variable the worker reads its URL from. */
  connection: string;
  envVar: string;
  /** The URL with the password left for the user to fill in. */
  urlTemplate: string;
  definition: Record<string, unknown>;
}

const COMPOSE_SERVICE = 'com.docker.compose.service';
const COMPOSE_PROJECT = 'com.docker.compose.project';

export class OwnServiceError extends Error {}

async function findContainer(service: string, project?: string): Promise<Docker.ContainerInspectInfo> {
  const labels = [`${COMPOSE_SERVICE}=${service}`, ...(project ? [`${COMPOSE_PROJECT}=${project}`] : [])];
  const found = await docker.listContainers({ filters: { label: labels } });
  if (found.length === 0)
    throw new OwnServiceError(
      `--service: no running container of compose service "${service}"${project ? ` in project "${project}"` : ''}; start it (docker-compose up -d) first`,
    );
  if (found.length > 1)
    throw new OwnServiceError(
      `--service: "${service}" runs in ${found.length} containers (${found.map((c) => c.Names[0]?.slice(1)).join(', ')}); name the compose project with --project`,
    );
  return await docker.getContainer(found[0]!.Id).inspect();
}

const envOf = (info: Docker.ContainerInspectInfo): Record<string, string> =>
  Object.fromEntries((info.Config.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

/** The host port PostgreSQL's 5432 is published on (loopback), or a clear error. */
function publishedPort(info: Docker.ContainerInspectInfo, name: string): number {
  const bindings = info.NetworkSettings.Ports?.['5432/tcp'] ?? [];
  const port = bindings.map((b) => Number(b.HostPort)).find((p) => p > 0);
  if (!port)
    throw new OwnServiceError(
      `--service: container "${name}" publishes no port for 5432; add \`ports: ["127.0.0.1:25432:5432"]\` to the service, so faultline can reach it`,
    );
  return port;
}

export async function describeOwnService(options: {
  service: string;
  project?: string;
  connection?: string;
  faultSeconds: number;
}): Promise<OwnService> {
  const info = await findContainer(options.service, options.project);
  const container = info.Name.replace(/^\//, '');
  if ((info.Config.Labels ?? {})[DOCKER_TARGET_LABEL] !== 'true')
    throw new OwnServiceError(
      `--service: container "${container}" is not opted in as a chaos target; add \`labels: ["${DOCKER_TARGET_LABEL}=true"]\` to service "${options.service}" in your compose file and recreate it (docker-compose up -d)`,
    );
  const port = publishedPort(info, container);
  const env = envOf(info);
  const user = env.POSTGRES_USER || 'postgres';
  const database = env.POSTGRES_DB || user;
  const connection = options.connection ?? options.service.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  if (!CONNECTION_NAME.test(connection))
    throw new OwnServiceError(
      `--connection: "${connection}" is not a connection name (lowercase letters, digits, - and _, starting with a letter); name one with --connection`,
    );
  const lab = labPorts();
  if (Object.hasOwn(lab, connection))
    throw new OwnServiceError(
      `--connection: "${connection}" is one of the lab's connections (${Object.keys(lab).join(', ')}); its variable would replace the lab's for every experiment: name another with --connection`,
    );
  const labPort = Object.entries(lab).find(([, p]) => p === port);
  if (labPort)
    process.stderr.write(
      `faultline init: warning: port ${port} is also the lab's "${labPort[0]}" port; \`faultline up\` will not start while your service holds it (move one of them)\n`,
    );
  return {
    service: options.service,
    container,
    connection,
    envVar: envKey(connection),
    urlTemplate: `postgres://${encodeURIComponent(user)}:<password>@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    definition: {
      name: `${connection}-outage`,
      description: `Stop compose service ${options.service} (${container}) for ${options.faultSeconds} s while your own operations run against it.`,
      paths: [connection],
      fault: { kind: 'docker', action: 'stop', target: { container }, gracePeriodSeconds: 10 },
      durations: { warmupSeconds: 10, faultSeconds: options.faultSeconds, recoveryTimeoutSeconds: 60 },
      workload: {
        custom: [
          { name: 'ping', weight: 1, statement: 'SELECT 1' },
          {
            name: 'tables',
            weight: 1,
            statement: 'SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1',
            parameters: ['public'],
          },
        ],
      },
      report: { directory: 'reports' },
    },
  };
}
