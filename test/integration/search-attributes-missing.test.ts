/**
 * A namespace without faultline's search attributes (as on Temporal Cloud before they are added):
 * an experiment started with the temporal CLI still runs to its verdict, sets none of them, and its
 * report and `faultline history` name the missing ones; which ones the server lacks is read
 * independently with `temporal operator search-attribute list`. `faultline setup` then registers
 * them there.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { startExtraWorker, stopExtraWorker } from '../../src/lab/extra-worker';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { connectClient } from '../../src/platform/temporal-connection';
import { temporalTarget } from '../../src/platform/temporal-target';
import { runCli, runProgram } from './harness/run-cli';

const tag = Date.now().toString(36);
const NAMESPACE = `faultline-bare-${tag}`;
const QUEUE = `faultline-bare-${tag}`;
const settings = labSettings();
const temporal = (args: string[]) =>
  runProgram(settings.temporalCli, [...args, '--address', settings.temporalAddress, '--namespace', NAMESPACE]);

/** Faultline's attributes the namespace has, by the temporal CLI. */
async function registered(): Promise<string[]> {
  const list = await temporal(['operator', 'search-attribute', 'list', '--output', 'json']);
  assert.equal(list.code, 0, list.stderr);
  const names = new Set(SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name));
  return list.stdout.match(/Faultline[A-Za-z]+/g)?.filter((n) => names.has(n)) ?? [];
}

describe("a namespace without faultline's search attributes", function () {
  this.timeout(240_000);
  let worker: ChildProcess | undefined;
  const env = { TEMPORAL_NAMESPACE: NAMESPACE, FAULTLINE_TASK_QUEUE: QUEUE };

  before(async () => {
    const created = await temporal(['operator', 'namespace', 'create', '--namespace', NAMESPACE]);
    assert.equal(created.code, 0, created.stderr);
    worker = await startExtraWorker(QUEUE, env, path.join(PROJECT_ROOT, 'test-artifacts', `bare-worker-${tag}.log`));
  });

  after(async () => stopExtraWorker(worker));

  it('runs the experiment, sets none, and its report and history name the missing ones', async () => {
    assert.deepEqual(await registered(), [], 'the namespace starts without them');
    const definition = {
      name: `bare-${tag}`,
      paths: ['direct'],
      durations: { warmupSeconds: 2, faultSeconds: 2, recoveryTimeoutSeconds: 30 },
      steadyState: { windowSeconds: 1 },
      report: { directory: 'test-artifacts/reports' },
    };
    const workflowId = `bare-${tag}`;
    const start = await temporal([
      'workflow',
      'start',
      '--type',
      'chaosExperiment',
      '--task-queue',
      QUEUE,
      '--workflow-id',
      workflowId,
      '--input',
      JSON.stringify(definition),
    ]);
    assert.equal(start.code, 0, start.stderr);
    const client = await connectClient(temporalTarget({ ...process.env, ...env }));
    try {
      const handle = client.workflow.getHandle(workflowId);
      const result = (await handle.result()) as ExperimentResult;
      const all = SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name).sort();
      assert.deepEqual([...(result.searchAttributesMissing ?? [])].sort(), all);
      const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
      assert.deepEqual([...report.searchAttributesMissing!.names].sort(), all);
      assert.ok(report.paths[0]!.overall.total.successes > 0, 'the workload ran');
      const set = Object.keys((await handle.describe()).searchAttributes ?? {}).filter((k) =>
        k.startsWith('Faultline'),
      );
      assert.deepEqual(set, [], 'no attribute was set');
    } finally {
      await client.connection.close();
    }

    const history = await runCli(['history'], env);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout + history.stderr, new RegExp(`${workflowId}.*search attributes missing`));
  });

  it('`faultline setup` registers them in that namespace', async () => {
    const setup = await runCli(['setup'], env);
    assert.equal(setup.code, 0, setup.stderr);
    assert.match(setup.stdout, new RegExp(`registered .* namespace ${NAMESPACE}`));
    assert.deepEqual((await registered()).sort(), SEARCH_ATTRIBUTE_DEFINITIONS.map((d) => d.name).sort());
  });
});
