/**
 * Faultline against a Temporal it does not run: a TLS front with client-certificate verification
 * (harness/temporal-tls-front.ts) before the lab's dev server. A worker and the CLI configured only
 * by TEMPORAL_* variables run an experiment end to end through it, and `run` starts no part of the
 * lab; a wrong CA, a missing client certificate and a wrong API key are each refused with a message
 * naming the cause and the variable to set, before anything is started or touched.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startExtraWorker, stopExtraWorker } from '../../src/lab/extra-worker';
import { docker } from '../../src/platform/docker';
import { PROJECT_ROOT } from '../../src/platform/settings';
import { runCli } from './harness/run-cli';
import { API_KEY, SERVER_NAME, startTlsFront, type TlsFront } from './harness/temporal-tls-front';

const tag = Date.now().toString(36);
const QUEUE = `faultline-tls-${tag}`;

const definition = {
  name: `through-tls-${tag}`,
  paths: ['direct'],
  workload: { concurrentWorkers: 2, poolSize: 2, thinkTimeSeconds: { min: 0.05, max: 0.1 } },
  fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
  durations: { warmupSeconds: 3, faultSeconds: 3, recoveryTimeoutSeconds: 60 },
  steadyState: { windowSeconds: 1 },
  report: { directory: 'test-artifacts/reports' },
};

const startedAt = async (name: string) => (await docker.getContainer(name).inspect()).State.StartedAt;

describe('any Temporal: through a TLS front with client certificates', function () {
  this.timeout(300_000);
  let front: TlsFront;
  let worker: ChildProcess | undefined;
  let mtls: NodeJS.ProcessEnv;
  const file = path.join(PROJECT_ROOT, 'test-artifacts', `through-tls-${tag}.json`);

  before(async () => {
    front = await startTlsFront();
    mtls = {
      TEMPORAL_ADDRESS: front.mtlsAddress,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: front.files.ca,
      TEMPORAL_TLS_CLIENT_CERT_PATH: front.files.clientCert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: front.files.clientKey,
      TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
      FAULTLINE_TASK_QUEUE: QUEUE,
    };
    writeFileSync(file, JSON.stringify(definition));
    worker = await startExtraWorker(QUEUE, mtls, path.join(PROJECT_ROOT, 'test-artifacts', `tls-worker-${tag}.log`));
  });

  after(async () => {
    await stopExtraWorker(worker);
    await front?.stop();
  });

  it('runs an experiment end to end, CLI and worker configured only by TEMPORAL_*, and starts no lab', async () => {
    const before = await startedAt('faultline-proxy');
    const run = await runCli(['run', file, '--json'], mtls, 240_000);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`Temporal: ${front.mtlsAddress.replace(/\./g, '\\.')}, namespace default, mTLS`),
    );
    assert.match(run.stderr, /the lab is not started/);
    assert.doesNotMatch(run.stderr, /^lab: /m, 'run started no part of the lab');
    assert.equal(await startedAt('faultline-proxy'), before, 'no lab container was (re)started');
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8'));
    assert.ok(report.paths[0].overall.total.successes > 0, 'the workload ran');
    assert.ok(report.paths[0].downtimeMs > 0, 'the stop was measured');
    const log = readFileSync(path.join(PROJECT_ROOT, 'test-artifacts', `tls-worker-${tag}.log`), 'utf8');
    assert.match(log, /"tls":"mTLS".*faultline worker started|faultline worker started.*"tls":"mTLS"/);
    assert.match(await front.log(), /mtls~? temporal_tcp\/dev/, 'connections went through the front');
  });

  it('refuses a server certificate the given CA did not sign, naming TEMPORAL_TLS_SERVER_CA_CERT_PATH', async () => {
    const run = await runCli(['run', file], { ...mtls, TEMPORAL_TLS_SERVER_CA_CERT_PATH: front.files.otherCa });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /not signed by the CA faultline was given: set TEMPORAL_TLS_SERVER_CA_CERT_PATH/);
    assert.doesNotMatch(run.stderr, /experiment .* started/);
  });

  it('refuses a connection without a client certificate, naming TEMPORAL_TLS_CLIENT_CERT_PATH', async () => {
    const run = await runCli(['run', file], {
      ...mtls,
      TEMPORAL_TLS_CLIENT_CERT_PATH: undefined,
      TEMPORAL_TLS_CLIENT_KEY_PATH: undefined,
    });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /requires a client certificate \(mTLS\): set TEMPORAL_TLS_CLIENT_CERT_PATH/);
    const workerRun = await runCli(['worker'], { ...mtls, TEMPORAL_TLS_CLIENT_CERT_PATH: undefined }, 60_000);
    assert.notEqual(workerRun.code, 0, 'a worker without its certificate exits');
    assert.match(workerRun.stdout + workerRun.stderr, /TEMPORAL_TLS_CLIENT_CERT_PATH/);
  });

  it('refuses a wrong API key (gRPC status 16), naming TEMPORAL_API_KEY', async () => {
    const keyed = {
      TEMPORAL_ADDRESS: front.apiKeyAddress,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: front.files.ca,
      TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
      FAULTLINE_TASK_QUEUE: QUEUE,
    };
    const wrong = await runCli(['run', file], { ...keyed, TEMPORAL_API_KEY: 'not-the-key' });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /refused the API key: check TEMPORAL_API_KEY/);
    const right = await runCli(['doctor'], { ...keyed, TEMPORAL_API_KEY: API_KEY });
    assert.match(right.stdout, /ok\s+Temporal server\s+127\.0\.0\.1:\d+ answers/, right.stdout);
  });
});
