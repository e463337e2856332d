/**
 * Secrets never reach workflow history, reports or logs. A worker runs with a database
 * password, a DSN and AWS keys in its environment; the experiment's history (exported with the
 * temporal CLI), its report files and the worker's log must not contain any of them.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { startExtraWorker, stopExtraWorker } from '../../src/lab/extra-worker';
import { filesUnder } from './harness/files-under';
import { ensureDbRunning, sqlQuery } from './harness/lab-database';
import { runProgram } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

const tag = Date.now().toString(36);
const QUEUE = `faultline-secrets-${tag}`;
const SECRETS = {
  dbPassword: `pw-${tag}-Zq9!x`,
  awsAccessKey: `AKIAFAULTLINE${tag.toUpperCase()}`,
  awsSecret: `aws-secret-${tag}-wJalrXUtnFEMI`,
};
const ROLE = `secretive_${tag}`;

describe('secrets stay out of history, reports and logs', function () {
  this.timeout(240_000);
  let worker: ChildProcess | undefined;
  const logPath = path.join(PROJECT_ROOT, 'test-artifacts', `secrets-worker-${tag}.log`);

  before(async () => {
    // A role with a distinctive password that can do everything the lab's role can.
    await sqlQuery(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${SECRETS.dbPassword}' IN ROLE faultline`);
    const settings = labSettings();
    worker = await startExtraWorker(
      QUEUE,
      {
        FAULTLINE_LOG_LEVEL: 'debug',
        FAULTLINE_CONNECTION_SECRETIVE: `postgres://${ROLE}:${encodeURIComponent(SECRETS.dbPassword)}@127.0.0.1:${settings.dbPort}/${settings.dbName}`,
        FAULTLINE_DB_PASSWORD: SECRETS.dbPassword,
        AWS_ACCESS_KEY_ID: SECRETS.awsAccessKey,
        AWS_SECRET_ACCESS_KEY: SECRETS.awsSecret,
      },
      logPath,
    );
  });

  after(async () => {
    await stopExtraWorker(worker);
    await ensureDbRunning();
    await sqlQuery(`DROP OWNED BY ${ROLE}`).catch(() => undefined);
    await sqlQuery(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => undefined);
  });

  it('an experiment on a connection with a password, AWS keys in the environment: none of it is written anywhere', async () => {
    const client = await testClient();
    const workflowId = `secrets-${tag}`;
    const result = (await client.workflow.execute('chaosExperiment', {
      taskQueue: QUEUE,
      workflowId,
      args: [
        {
          name: `secrets-${tag}`,
          paths: ['secretive'],
          fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' }, gracePeriodSeconds: 1 },
          durations: { warmupSeconds: 2, faultSeconds: 2, recoveryTimeoutSeconds: 30 },
          steadyState: { windowSeconds: 1 },
          report: { directory: 'test-artifacts/reports' },
        },
      ],
    })) as ExperimentResult;
    assert.equal(result.verdict, 'held', result.verdictReason);
    assert.ok(
      JSON.parse(readFileSync(result.report.json, 'utf8')).paths[0].overall.total.successes > 0,
      'the workload really ran on the secret connection',
    );

    const settings = labSettings();
    const history = await runProgram(settings.temporalCli, [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--output',
      'json',
      '--address',
      settings.temporalAddress,
    ]);
    assert.equal(history.code, 0, history.stderr);
    assert.ok(history.stdout.length > 10_000, 'history exported');
    const reportDir = path.dirname(result.report.json);
    const places: Array<[string, string]> = [
      ['workflow history', history.stdout],
      ['worker log', readFileSync(logPath, 'utf8')],
      ...filesUnder(reportDir).map(
        (f) => [`report ${path.relative(reportDir, f)}`, readFileSync(f, 'utf8')] as [string, string],
      ),
    ];
    for (const [where, text] of places) {
      for (const [name, secret] of Object.entries(SECRETS)) {
        assert.ok(!text.includes(secret), `${name} appears in ${where}`);
      }
      assert.ok(!text.includes(encodeURIComponent(SECRETS.dbPassword)), `the encoded password appears in ${where}`);
    }
  });
});
