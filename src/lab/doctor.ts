/**
 * `faultline doctor`: what is up and what is missing, with the fix for each. It first says which
 * Temporal is configured (temporal-target.ts: profile, address, namespace, TLS). When that is the
 * lab's dev server it checks the lab (Docker, images, containers, the Patroni cluster, the named
 * connections, the dev server, the workers, the payment service); when it is another server, it
 * checks that server (reachable, search attributes, a worker on the experiment queue) and the
 * connections this shell names, and leaves the lab alone.
 */
import { describeCluster, writerOf } from '../platform/rds-cluster';
import { labRdsClient, labRdsEndpoint } from './aurora-lab';
import { taskQueuePollers } from '../platform/task-queue-pollers';
import { existsSync } from 'node:fs';
import { experimentTaskQueue } from '../platform/settings';
import { runningProcess } from './background-process';
import { databaseAnswers } from '../platform/database/database-answers';
import { httpTargetAnswers, namedHttpTargets } from '../platform/http-target-answers';
import { httpEnvKey } from '../shared/http-workload-schema';
import { docker, DOCKER_FIX, dockerIsUp } from '../platform/docker';
import { clusterState } from './cluster-lab';
import { containerState, publishedPorts } from './docker-stack';
import { labSettings } from '../platform/settings';
import { checkPaymentService } from '../service/client/check-payment-service';
import { paymentServiceUrl } from '../service/client/service-url';
import { missingSearchAttributes } from './search-attributes';
import { TEMPORAL_FIX, temporalIsUp } from './temporal-dev-server';
import { workerIsPolling } from './worker-processes';
import { WORKERS } from './lab';
import { missingLabFiles, noLabHereMessage } from '../platform/checkout';
import { connectClient } from '../platform/temporal-connection';
import {
  configuredTemporal,
  describeTarget,
  labTemporalTarget,
  type TemporalTarget,
} from '../platform/temporal-target';

export interface DoctorCheck {
  part: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

type AddCheck = (part: string, ok: boolean, detail: string, fix?: string) => void;

/** The lab's Aurora cluster as its RDS API describes it: its writer and status. */
async function labAuroraWriter(): Promise<{ ok: boolean; detail: string }> {
  const { aurora } = labSettings();
  const rds = labRdsClient();
  try {
    const c = await describeCluster(rds, aurora.cluster);
    const writer = (c && writerOf(c)) || 'none';
    return {
      ok: c?.Status === 'available' && writer !== 'none',
      detail: `${aurora.cluster} ${c?.Status ?? 'missing'}, writer ${writer}`,
    };
  } catch (err) {
    return { ok: false, detail: `does not answer (${(err as Error).message})` };
  } finally {
    rds.destroy();
  }
}

const LAB_CONNECTIONS = ['direct', 'proxy', 'cluster', 'cluster-proxy', 'aurora', 'aurora-proxy'];

async function checkDocker(add: AddCheck, settings: ReturnType<typeof labSettings>): Promise<void> {
  for (const image of [
    process.env.FAULTLINE_POSTGRES_IMAGE || 'faultline/postgres:15',
    process.env.FAULTLINE_PGBOUNCER_IMAGE || 'faultline/pgbouncer:1.18',
    process.env.FAULTLINE_CLUSTER_IMAGE || 'faultline/cluster:15',
    process.env.FAULTLINE_NETTOOLS_IMAGE || 'faultline/nettools:1',
  ]) {
    const present = await docker
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    add(`image ${image}`, present, present ? 'present' : 'missing', 'run `bash scripts/provision.sh`');
  }
  for (const name of [settings.dbContainer, settings.proxyContainer, settings.clusterProxyContainer]) {
    const state = await containerState(name);
    const ok = state?.running === true;
    add(
      `container ${name}`,
      ok,
      state ? `${state.running ? 'running' : 'stopped'}${state.health ? ` (${state.health})` : ''}` : 'absent',
      'run `bin/faultline up`',
    );
  }
  const cluster = await clusterState();
  add(`Patroni cluster ${settings.clusterScope}`, cluster.healthy, cluster.members, 'run `bin/faultline up`');
  const ports = await publishedPorts();
  const exposed = ports.filter((p) => p.hostIp !== '127.0.0.1');
  add(
    'published ports',
    exposed.length === 0,
    ports.map((p) => `${p.container} ${p.hostIp}:${p.hostPort}`).join(', ') || 'none',
    'publish ports on 127.0.0.1 only (docker-compose.yml)',
  );
}

async function checkTemporalSide(add: AddCheck): Promise<void> {
  const missing = await missingSearchAttributes(labTemporalTarget());
  add(
    'search attributes',
    missing.length === 0,
    missing.length ? `missing ${missing.join(', ')}` : 'registered',
    'run `bin/faultline setup`',
  );
  for (const worker of WORKERS) {
    const state = runningProcess(worker.name);
    const polling = state ? await workerIsPolling(worker.taskQueue, state.pid) : false;
    add(
      `worker ${worker.name}`,
      polling,
      state ? `pid ${state.pid}${polling ? ', polling' : ', not polling'}` : 'not running',
      'run `bin/faultline up`',
    );
  }
  const service = await checkPaymentService();
  add(
    'payment service API',
    service.holds,
    service.holds ? `${paymentServiceUrl()}/health answers 200` : service.reason!,
    'run `bin/faultline up` (503: its database does not answer)',
  );
}

async function labChecks(add: AddCheck): Promise<void> {
  const settings = labSettings();
  const dockerUp = await dockerIsUp();
  add('docker engine', dockerUp, dockerUp ? 'reachable' : 'not reachable at /var/run/docker.sock', DOCKER_FIX);
  if (dockerUp) await checkDocker(add, settings);
  await checkConnections(add, LAB_CONNECTIONS, 'run `bin/faultline up`');
  await checkHttpTargets(add, [...new Set(['flask', ...namedHttpTargets()])]);
  const aurora = await labAuroraWriter();
  add(`the lab's Aurora (RDS API ${labRdsEndpoint()})`, aurora.ok, aurora.detail, 'run `bin/faultline up`');
  const cli = existsSync(settings.temporalCli);
  add('temporal CLI', cli, settings.temporalCli, 'run `bash scripts/provision.sh`');
  const temporalUp = await temporalIsUp();
  add(
    'Temporal server',
    temporalUp,
    `${settings.temporalAddress} ${temporalUp ? 'answers' : 'does not answer'}`,
    TEMPORAL_FIX,
  );
  if (temporalUp) await checkTemporalSide(add);
}

/** HTTP targets: the lab's `flask` (in the lab) and every one this shell names. */
async function checkHttpTargets(add: AddCheck, names: string[]): Promise<void> {
  for (const name of names) {
    const { ok, detail } = await httpTargetAnswers(name);
    add(
      `HTTP target ${name}`,
      ok,
      detail,
      `check ${httpEnvKey(name)} and that the service runs (docs/your-own-service.md)`,
    );
  }
}

async function checkConnections(add: AddCheck, names: string[], fix: string): Promise<void> {
  for (const connection of names) {
    const ok = await databaseAnswers(connection);
    add(`connection ${connection}`, ok, ok ? 'answers SELECT 1' : 'does not answer', fix);
  }
}

/** The connections this shell names (FAULTLINE_CONNECTION_<NAME>), lower-cased as definitions name them. */
const namedConnections = (): string[] =>
  Object.keys(process.env)
    .filter((k) => k.startsWith('FAULTLINE_CONNECTION_'))
    .map((k) => k.slice('FAULTLINE_CONNECTION_'.length).toLowerCase().replace(/_/g, '-'))
    .sort();

/** A server faultline does not run: reachable, its search attributes, a worker on the experiment queue. */
async function configuredChecks(add: AddCheck, target: TemporalTarget): Promise<void> {
  let client;
  try {
    client = await connectClient(target);
  } catch (err) {
    add('Temporal server', false, (err as Error).message, 'see docs/temporal.md');
    return;
  }
  try {
    add('Temporal server', true, `${target.address} answers`);
    const missing = await missingSearchAttributes(target);
    add(
      'search attributes',
      missing.length === 0,
      missing.length ? `missing ${missing.join(', ')} (experiments run without them)` : 'registered',
      'run `faultline setup` (Temporal Cloud: add them in its UI or with tcld; docs/temporal.md)',
    );
    const taskQueue = experimentTaskQueue();
    const pollers = (await taskQueuePollers(client.workflowService, target.namespace, taskQueue)).map(
      (p) => p.identity,
    );
    add(
      `workers on ${taskQueue}`,
      pollers.length > 0,
      pollers.length ? pollers.join(', ') : 'none polling',
      'start one with `faultline worker`, configured like this shell',
    );
  } finally {
    await client.connection.close();
  }
  await checkConnections(add, namedConnections(), 'check FAULTLINE_CONNECTION_<NAME> (docs/connections.md)');
  await checkHttpTargets(add, namedHttpTargets());
}

/** Every part, checked, with how to fix what is not right (see the opening comment). */
export async function doctor(): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const add: AddCheck = (part, ok, detail, fix) => checks.push({ part, ok, detail, fix: ok ? undefined : fix });
  let target: TemporalTarget;
  try {
    target = configuredTemporal();
  } catch (err) {
    add('Temporal configuration', false, (err as Error).message, 'fix the profile or the TEMPORAL_* variables');
    return checks;
  }
  add(
    'Temporal configuration',
    true,
    `${describeTarget(target)}${target.lab ? "; the lab's dev server" : '; not the lab: the lab is not checked'}`,
  );
  const missing = target.lab ? missingLabFiles() : [];
  if (missing.length > 0) add('lab files', false, `missing: ${missing.join(', ')}`, noLabHereMessage(missing));
  else if (target.lab) await labChecks(add);
  else await configuredChecks(add, target);
  return checks;
}
