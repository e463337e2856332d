/**
 * Long experiments that stay within Temporal's limits (issue 13), run against the lab outside CI:
 *
 *   npx tsx scripts/durability-runs.ts long [--minutes 60] [--paths 8]   a baseline, no fault
 *   npx tsx scripts/durability-runs.ts cycles [--times 50]               a repeated stop of the db
 *
 * A worker of its own (its own task queue) has the paths' connections in its environment. While the
 * experiment runs, the script samples the measuring activities' heartbeat details (their
 * checkpoints); at the end it prints the verdict, every run's history size, the largest payload in
 * any history and the largest checkpoint seen. The last line is one JSON object with the figures.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { labUp } from '../src/lab/lab';
import { labSettings, PROJECT_ROOT } from '../src/platform/settings';
import { EXPERIMENT_WORKFLOW_TYPE } from '../src/shared/experiment-contract';
import type { ExperimentResult } from '../src/shared/experiment-types';
import { connectClient } from '../src/platform/temporal-connection';
import { startExtraWorker, stopExtraWorker } from '../src/lab/extra-worker';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    minutes: { type: 'string', default: '60' },
    paths: { type: 'string', default: '8' },
    times: { type: 'string', default: '50' },
  },
});
const mode = positionals[0];
if (mode !== 'long' && mode !== 'cycles')
  throw new Error('usage: durability-runs.ts long [--minutes 60] [--paths 8] | cycles [--times 50]');

const lab = labSettings();
const password = process.env.FAULTLINE_DB_PASSWORD || 'faultline';
const pathCount = Number(values.paths);
const names = Array.from({ length: pathCount }, (_, i) => `p${i + 1}`);
const env = Object.fromEntries(
  names.map((n, i) => [
    `FAULTLINE_CONNECTION_${n.toUpperCase()}`,
    `postgres://${lab.dbUser}:${password}@127.0.0.1:${i % 2 ? lab.proxyPort : lab.dbPort}/${lab.dbName}`,
  ]),
);

const definition =
  mode === 'long'
    ? {
        name: `durability-long-${values.minutes}min-${pathCount}paths`,
        paths: names,
        durations: { warmupSeconds: 30, faultSeconds: Number(values.minutes) * 60, recoveryTimeoutSeconds: 60 },
        report: { directory: 'reports' },
      }
    : {
        name: `durability-${values.times}-cycles`,
        paths: names.slice(0, 2),
        fault: { kind: 'docker', action: 'stop', target: { container: lab.dbContainer }, gracePeriodSeconds: 1 },
        durations: { warmupSeconds: 10, faultSeconds: 3, recoveryTimeoutSeconds: 60 },
        repeat: { times: Number(values.times), everySeconds: 12 },
        report: { directory: 'reports' },
      };

const payloadBytes = (p: { data?: Uint8Array | null } | null | undefined) => p?.data?.length ?? 0;

async function main(): Promise<void> {
  await labUp();
  const queue = `faultline-durability-${Date.now().toString(36)}`;
  const worker = await startExtraWorker(queue, env, path.join(PROJECT_ROOT, '.lab', 'logs', `${queue}.log`));
  const client = await connectClient();
  const workflowId = `${definition.name}-${Date.now().toString(36)}`;
  const started = Date.now();
  let largestCheckpoint = 0;
  try {
    const handle = await client.workflow.start(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: queue,
      workflowId,
      args: [definition],
    });
    process.stdout.write(`started ${workflowId} on ${queue}\n`);
    const sampler = setInterval(() => {
      void client.workflow
        .getHandle(workflowId)
        .describe()
        .then((d) => {
          for (const a of d.raw.pendingActivities ?? [])
            largestCheckpoint = Math.max(largestCheckpoint, payloadBytes(a.heartbeatDetails?.payloads?.[0]));
          process.stdout.write(
            `[${Math.round((Date.now() - started) / 1000)} s] largest heartbeat details so far ${largestCheckpoint} bytes\n`,
          );
        })
        .catch(() => undefined);
    }, 60_000);
    const result = (await client.workflow.getHandle(workflowId).result()) as ExperimentResult;
    clearInterval(sampler);
    const runs: Array<{ runId: string; events: number; largestPayload: number }> = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
      let largest = 0;
      for (const event of history.events ?? []) {
        for (const value of Object.values(event)) {
          const payloads =
            (value as { input?: { payloads?: unknown[] }; result?: { payloads?: unknown[] } } | null)?.input
              ?.payloads ??
            (value as { result?: { payloads?: unknown[] } } | null)?.result?.payloads ??
            [];
          for (const p of payloads) largest = Math.max(largest, payloadBytes(p as { data?: Uint8Array }));
        }
      }
      runs.push({ runId: execution.runId, events: history.events?.length ?? 0, largestPayload: largest });
    }
    void handle;
    const figures = {
      mode,
      workflowId,
      verdict: result.verdict,
      minutes: Math.round((Date.now() - started) / 60_000),
      runs: runs.length,
      eventsPerRun: runs.map((r) => r.events),
      largestPayloadBytes: Math.max(...runs.map((r) => r.largestPayload)),
      largestHeartbeatDetailsBytes: largestCheckpoint,
      report: result.report.json,
    };
    process.stdout.write(`${result.summary}\n${JSON.stringify(figures)}\n`);
  } finally {
    await stopExtraWorker(worker);
    await client.connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
