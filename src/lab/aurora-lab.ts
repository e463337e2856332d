/**
 * The lab's Aurora (lab/aurora/aurora_lab.py): the RDS API (moto's, SigV4 and all) on 127.0.0.1,
 * with the cluster `faultline-aurora` whose members are the Patroni nodes, so that FailoverDBCluster
 * really moves the writer; and its writer and reader endpoints, which follow a new writer a DNS TTL
 * late. Every other cluster a test creates is plain moto. Started by `faultline up`; the lab's
 * workers reach it through FAULTLINE_RDS_ENDPOINT (labRdsEnv). Never real AWS.
 */
import { RDSClient } from '@aws-sdk/client-rds';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runningProcess, startBackgroundProcess, stopBackgroundProcess } from './background-process';
import { labSettings, PROJECT_ROOT } from '../platform/settings';
import { waitUntil } from './wait-until';

const NAME = 'aurora-lab';
const SCRIPT = path.join(PROJECT_ROOT, 'lab', 'aurora', 'aurora_lab.py');
const REGION = 'us-east-1';
/** The lab's dummy AWS credentials (its RDS API checks a signature, not who signed). */
const LAB_CREDENTIALS = { accessKeyId: 'faultline-lab', secretAccessKey: 'faultline-lab' };

export function labRdsEndpoint(): string {
  return `http://127.0.0.1:${labSettings().aurora.rdsPort}`;
}

/** A client of the lab's RDS API, whatever this shell's AWS settings (one attempt: a check, not a wait). */
export const labRdsClient = (): RDSClient =>
  new RDSClient({ endpoint: labRdsEndpoint(), region: REGION, credentials: LAB_CREDENTIALS, maxAttempts: 1 });

/** Where the lab's Aurora logs its endpoints' switches (`{ switches: [{ at, endpoint, from, to }] }`). */
export function auroraStateFile(): string {
  return path.join(labSettings().labDir, 'state', 'aurora-endpoints.json');
}

/**
 * The RDS settings a lab worker runs with: the lab's endpoint, region and dummy credentials, unless
 * this shell points FAULTLINE_RDS_ENDPOINT elsewhere (`aws`: the SDK's own endpoint and credentials).
 */
export function labRdsEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const set = env.FAULTLINE_RDS_ENDPOINT?.trim();
  if (set && set !== labRdsEndpoint()) return { FAULTLINE_RDS_ENDPOINT: set };
  return {
    FAULTLINE_RDS_ENDPOINT: labRdsEndpoint(),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: LAB_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LAB_CREDENTIALS.secretAccessKey,
  };
}

/** AWS settings that would lead the SDK past the lab's dummy credentials (a session, a profile, a role). */
const FOREIGN_AWS = [
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
];

/**
 * A lab worker's environment: this shell's, with the lab's RDS settings; on the lab's endpoint, none
 * of this shell's own AWS session or profile settings (a real session token never reaches the lab).
 */
export function labWorkerAwsEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rds = labRdsEnv(env);
  const merged: NodeJS.ProcessEnv = { ...env, ...rds };
  if (rds.FAULTLINE_RDS_ENDPOINT === labRdsEndpoint()) for (const key of FOREIGN_AWS) delete merged[key];
  return merged;
}

function launchArgs(): string[] {
  const { aurora, clusterScope } = labSettings();
  const rest = { node1: 'FAULTLINE_NODE1_REST_PORT', node2: 'FAULTLINE_NODE2_REST_PORT' };
  const restPort = (member: keyof typeof rest, fallback: number) => Number(process.env[rest[member]] || fallback);
  return [
    SCRIPT,
    ['--port', String(aurora.rdsPort)],
    ['--region', REGION],
    ['--cluster', aurora.cluster],
    ['--patroni-scope', clusterScope],
    [
      '--rest',
      `node1=http://127.0.0.1:${restPort('node1', 18008)}`,
      `node2=http://127.0.0.1:${restPort('node2', 18009)}`,
    ],
    ['--postgres', ...Object.entries(aurora.nodePorts).map(([m, p]) => `${m}=127.0.0.1:${p}`)],
    ['--writer-port', String(aurora.writerPort)],
    ['--reader-port', String(aurora.readerPort)],
    ['--dns-ttl', String(aurora.dnsTtlSeconds)],
    ['--state-file', auroraStateFile()],
  ].flat();
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    return response.status < 500 && existsSync(auroraStateFile());
  } catch {
    return false;
  }
}

/** Starts the lab's Aurora, or restarts it when its script or settings changed; what it did. */
export async function startAuroraLab(): Promise<string> {
  const endpoint = labRdsEndpoint();
  const args = launchArgs();
  const version = createHash('sha256').update(readFileSync(SCRIPT)).update(args.join(' ')).digest('hex').slice(0, 16);
  const running = runningProcess(NAME);
  if (running?.version === version && (await answers(endpoint))) return `reused (${endpoint})`;
  if (running) await stopBackgroundProcess(NAME);
  const python = path.join(labSettings().labDir, 'venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} is missing: run \`bash scripts/provision.sh\``);
  rmSync(auroraStateFile(), { force: true }); // written once the new process has made its cluster
  startBackgroundProcess(NAME, python, args, { version });
  await waitUntil(`the lab's Aurora (RDS API) on ${endpoint}`, () => answers(endpoint), {
    timeoutMs: 60_000,
    intervalMs: 250,
    hint: `see .lab/logs/${NAME}.log`,
  });
  return `${running ? 'restarted' : 'started'} (${endpoint})`;
}

export async function stopAuroraLab(): Promise<boolean> {
  return runningProcess(NAME) ? await stopBackgroundProcess(NAME) : false;
}
