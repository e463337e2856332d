/**
 * The faultline worker as an image (lab/worker/Dockerfile), where its users run it: in a container
 * on a network with the databases and Temporal as other services, not on the host's loopback. A
 * Temporal dev server runs in a container on the lab's network (the `temporal` service); the
 * worker's container reaches it and the lab's database by their names, and Docker through the
 * mounted socket. The CLI on the host, configured only by TEMPORAL_ADDRESS (the dev server's port
 * published on 127.0.0.1), runs an experiment with a docker stop end to end through it.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import { docker } from '../../src/platform/docker';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import { connectClient } from '../../src/platform/temporal-connection';
import { temporalTarget } from '../../src/platform/temporal-target';
import { EXPERIMENT_TASK_QUEUE, SEARCH_ATTRIBUTE_DEFINITIONS } from '../../src/shared/experiment-contract';
import { temporal as proto } from '@temporalio/proto';
import { freePort } from './harness/free-port';
import { createCluster } from './harness/rds-cluster';
import { runCli, runProgram } from './harness/run-cli';

const tag = Date.now().toString(36);
const TEMPORAL = 'faultline-test-temporal';
const WORKER = 'faultline-test-worker';
const NO_DOCKER = 'faultline-test-worker-no-docker';
const NO_DOCKER_QUEUE = `faultline-no-docker-${tag}`;
const REPORTS = path.join(PROJECT_ROOT, 'test-artifacts', `worker-image-${tag}`);
const settings = labSettings();
const NETWORK = `${settings.composeProject}_default`;

async function startContainer(options: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  await docker
    .getContainer(options.name!)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await docker.createContainer(options);
  await container.start();
  return container;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const logsOf = async (c: Docker.Container) => (await c.logs({ stdout: true, stderr: true })).toString();

describe('the worker image: a containerised worker runs an experiment', function () {
  this.timeout(900_000);
  let temporalPort: number;
  let worker: Docker.Container;
  let withoutDocker: Docker.Container;
  const env = () => ({ TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` });

  /** A worker container on `queue`, with the Docker socket or without; resolves once it polls. */
  async function startWorker(name: string, queue: string, withSocket: boolean): Promise<Docker.Container> {
    // With the socket: on the lab's network, Temporal and the database by their service names. Without
    // (an RDS-only team's worker): on the host's network, where the RDS emulator (moto) listens.
    const [temporalAt, dbAt] = withSocket
      ? ['temporal:7233', 'faultline-db:5432']
      : [`127.0.0.1:${temporalPort}`, `127.0.0.1:${settings.dbPort}`];
    const container = await startContainer({
      name,
      Image: 'faultline/worker:latest',
      Env: [
        `TEMPORAL_ADDRESS=${temporalAt}`,
        `FAULTLINE_TASK_QUEUE=${queue}`,
        `FAULTLINE_CONNECTION_DIRECT=postgres://faultline_workload:faultline-workload@${dbAt}/${settings.dbName}`,
        `FAULTLINE_SETUP_CONNECTION_DIRECT=postgres://${settings.dbUser}:${process.env.FAULTLINE_DB_PASSWORD || 'faultline'}@${dbAt}/${settings.dbName}`,
        ...(withSocket
          ? []
          : [
              'FAULTLINE_METRICS_PORT=0',
              'FAULTLINE_TEMPORAL_METRICS_PORT=0',
              ...['FAULTLINE_RDS_ENDPOINT', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map(
                (k) => `${k}=${process.env[k] ?? ''}`,
              ),
            ]),
      ],
      HostConfig: {
        NetworkMode: withSocket ? NETWORK : 'host',
        Binds: [
          ...(withSocket ? ['/var/run/docker.sock:/var/run/docker.sock'] : []),
          `${REPORTS}:/var/lib/faultline/reports`,
        ],
        GroupAdd: withSocket ? [String(statSync('/var/run/docker.sock').gid)] : [],
      },
    });
    const client = await connectClient(temporalTarget({ ...process.env, ...env() }));
    try {
      await until(
        `${name} did not poll ${queue}`,
        async () => {
          const r = await client.workflowService.describeTaskQueue({
            namespace: 'default',
            taskQueue: { name: queue },
            taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          });
          return (r.pollers ?? []).length > 0 ? true : undefined;
        },
        120_000,
      ).catch(async (err) => {
        throw new Error(`${(err as Error).message}; its log:\n${await logsOf(container)}`);
      });
    } finally {
      await client.connection.close();
    }
    return container;
  }

  const definitionFile = (name: string, fault: unknown) => {
    const file = path.join(REPORTS, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        name: `${name}-${tag}`,
        paths: ['direct'],
        workload: { concurrentWorkers: 2, poolSize: 2 },
        ...(fault ? { fault } : {}),
        durations: { warmupSeconds: 3, faultSeconds: 3, recoveryTimeoutSeconds: 60 },
        steadyState: { windowSeconds: 1 },
        report: { directory: 'image' },
      }),
    );
    return file;
  };
  const stop = { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 };

  before(async () => {
    const built = await runProgram('bash', ['scripts/build-worker-image.sh'], {}, 840_000);
    assert.equal(built.code, 0, `the worker image did not build:\n${built.stdout}\n${built.stderr}`);
    temporalPort = await freePort();
    await startContainer({
      name: TEMPORAL,
      Image: 'debian:bookworm-slim',
      Entrypoint: ['/usr/local/bin/temporal'],
      Cmd: [
        'server',
        'start-dev',
        '--ip',
        '0.0.0.0',
        '--port',
        '7233',
        '--headless',
        '--log-level',
        'warn',
        ...SEARCH_ATTRIBUTE_DEFINITIONS.flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]),
      ],
      ExposedPorts: { '7233/tcp': {} },
      HostConfig: {
        Binds: [`${realpathSync(settings.temporalCli)}:/usr/local/bin/temporal:ro`],
        PortBindings: { '7233/tcp': [{ HostIp: '127.0.0.1', HostPort: String(temporalPort) }] },
        NetworkMode: NETWORK,
      },
      NetworkingConfig: { EndpointsConfig: { [NETWORK]: { Aliases: ['temporal'] } } },
    });
    const target = temporalTarget({ ...process.env, ...env() });
    await until(
      'the containerised dev server did not answer',
      async () => {
        const client = await connectClient(target);
        await client.connection.close();
        return true;
      },
      60_000,
    );
    mkdirSync(REPORTS, { recursive: true });
    chmodSync(REPORTS, 0o777); // the worker runs as its own user
    worker = await startWorker(WORKER, EXPERIMENT_TASK_QUEUE, true);
    withoutDocker = await startWorker(NO_DOCKER, NO_DOCKER_QUEUE, false);
  });

  after(async () => {
    for (const name of [WORKER, NO_DOCKER, TEMPORAL])
      await docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => undefined);
  });

  it('runs as a non-root user and an experiment with a docker stop end to end', async () => {
    const info = await worker.inspect();
    assert.equal(info.Config.User, 'faultline');
    const file = definitionFile('image', stop);
    const run = await runCli(['run', file, '--json'], env(), 300_000);
    assert.equal(run.code, 0, `${run.stderr}\nworker:\n${await logsOf(worker)}`);
    assert.match(run.stderr, /the lab is not started/);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { report: { json: string } };
    assert.match(result.report.json, /^\/var\/lib\/faultline\/reports\/image\//, 'written by the container');
    const report = JSON.parse(readFileSync(result.report.json.replace('/var/lib/faultline/reports', REPORTS), 'utf8'));
    assert.ok(report.paths[0].overall.total.successes > 0, 'the workload ran from the container');
    assert.ok(report.paths[0].downtimeMs > 0, 'the stop was measured');
    assert.match(await logsOf(worker), /faultline worker started/);
  });

  it('without the Docker socket: runs a database-only and an RDS experiment, refuses a Docker fault up front', async () => {
    const queue = { ...env(), FAULTLINE_TASK_QUEUE: NO_DOCKER_QUEUE };
    const baseline = await runCli(['run', definitionFile('no-docker-baseline', undefined), '--json'], queue, 300_000);
    assert.equal(baseline.code, 0, `${baseline.stderr}\nworker:\n${await logsOf(withoutDocker)}`);
    const cluster = `image-aurora-${tag}`;
    await createCluster(cluster, 2, true);
    const failover = { kind: 'rds', action: 'failover-cluster', cluster, pollIntervalMs: 200, waitTimeoutSeconds: 60 };
    const aurora = await runCli(['run', definitionFile('no-docker-rds', failover), '--json'], queue, 300_000);
    const auroraResult = JSON.parse(aurora.stdout.trim().split('\n').at(-1)!) as {
      verdict: string;
      verdictReason: string;
    };
    assert.equal(auroraResult.verdict, 'held', `${auroraResult.verdictReason}\n${aurora.stderr}`);
    const dbFault = await runCli(['run', definitionFile('no-docker-stop', stop), '--json'], queue, 300_000);
    const result = JSON.parse(dbFault.stdout.trim().split('\n').at(-1)!) as { verdict: string; verdictReason: string };
    assert.equal(result.verdict, 'not-run', dbFault.stderr);
    assert.match(result.verdictReason, /reaches no Docker engine .*Docker socket mounted.*nothing was touched/);
    assert.equal(
      (await docker.getContainer('faultline-db').inspect()).State.Running,
      true,
      'the database was not touched',
    );
  });
});
