/**
 * `faultline run <file>`: validates the definition (nothing is touched if it is invalid), starts
 * the lab parts that are not running when the lab is the configured Temporal (lab-or-configured.ts;
 * against another server it starts nothing), starts the chaosExperiment workflow, shows live
 * progress, waits, and prints the summary and the report paths. `--json`: the last line is one
 * JSON object.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { ExperimentReport } from '../../activities/report/report-types';
import { EXIT_CODES, junitXml } from '../junit-report';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { workflowUiUrl } from '../../platform/temporal-target';
import { parseExperiment, type ExperimentDefinition } from '../../shared/experiment-schema';
import type { ExperimentResult, ExperimentStatus } from '../../shared/experiment-types';
import { connectClient } from '../../platform/temporal-connection';
import type { WorkloadProgress } from '../../shared/workload-types';
import { dryRunPlan, type DryRunPlan } from '../dry-run-plan';
import { formatProgress, liveWorkloads } from '../live-workloads';
import { startExperiment } from '../start-experiment';
import { labIfConfigured, warnWithoutWorkers } from '../lab-or-configured';
import { defineCommand } from '../command';
import { statusQuery } from '../../shared/experiment-contract';

export async function loadDefinition(file: string): Promise<{ raw: unknown; definition: ExperimentDefinition }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  return { raw, definition: parseExperiment(raw) };
}

/** Elapsed and remaining time by this machine's clock (workflow time stands still between tasks). */
export function clockOf(status: ExperimentStatus): { elapsedMs: number; remainingMs: number | null } {
  const now = Date.now();
  return {
    elapsedMs: now - Date.parse(status.startedAt),
    remainingMs: status.phaseEndsAt === null ? null : Math.max(0, Date.parse(status.phaseEndsAt) - now),
  };
}

/**
 * `  direct: 12 ops/s, 0% errors | proxy: STALLED, ...` from the workloads' heartbeats (fresh within a
 * second); the status query's counters (progress signals, a few per experiment) when there are none.
 */
export function formatLive(status: ExperimentStatus, live: WorkloadProgress[] = []): string {
  const parts = (live.length ? live : status.workloads).map(formatProgress);
  return parts.length ? `  ${parts.join(' | ')}` : '';
}

async function printDryRun(definition: ExperimentDefinition, json: boolean): Promise<void> {
  const plan = await dryRunPlan(definition);
  if (json) {
    process.stdout.write(`${JSON.stringify(plan)}\n`);
    return;
  }
  const t = plan.target;
  process.stdout.write(`dry run of ${plan.name}: nothing is started or touched\n`);
  process.stdout.write(
    t === null ? 'target: none (a baseline without a fault)\n' : `target: ${t.name} (${describeTarget(t)})\n`,
  );
  for (const p of plan.paths) process.stdout.write(`path ${p.name}: ${p.resolvesTo}\n`);
  plan.steps.forEach((step, i) => process.stdout.write(`${i + 1}. ${step}\n`));
}

/**
 * A progress line at each phase change, then every 5 s (every second on a terminal). One status
 * query at a time, each with a deadline, and none left in flight when the client closes (a retry
 * of a query on a closed channel would throw from a timer).
 */
function showProgress(
  client: Client,
  handle: WorkflowHandle,
  out: (line: string) => void,
): { stop: () => Promise<void> } {
  let lastPhase = '';
  let lastPrinted = 0;
  let polling: Promise<void> | undefined;
  const poll = async () => {
    try {
      const status = await client.withDeadline(Date.now() + 5000, () => handle.query(statusQuery));
      const heartbeats = await client.withDeadline(Date.now() + 5000, () => liveWorkloads(handle)).catch(() => []);
      const live = formatLive(status, heartbeats);
      const { elapsedMs, remainingMs } = clockOf(status);
      const line = `[${(elapsedMs / 1000).toFixed(0).padStart(4)}s] ${status.phase.padEnd(19)}${remainingMs !== null ? ` ${Math.ceil(remainingMs / 1000)}s left` : ''}${live}`;
      if (status.phase !== lastPhase || Date.now() - lastPrinted >= (process.stderr.isTTY ? 1000 : 5000)) {
        out(line);
        lastPrinted = Date.now();
      }
      lastPhase = status.phase;
    } catch {
      /* between tasks */
    }
  };
  const timer = setInterval(() => {
    polling ??= poll().finally(() => (polling = undefined));
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await polling;
    },
  };
}

export const runCommand = defineCommand({
  summary: 'run an experiment file end to end and print its report',
  description:
    'Validates the definition (nothing is touched if it is invalid), starts the lab parts that are not running, ' +
    'starts the experiment, shows live progress, waits, and prints the summary and the report paths. ' +
    'The exit code is the verdict: 0 held, 3 violated, 4 aborted, 5 not run, 1 an error.',
  arguments: [{ name: 'FILE', description: 'the experiment definition (JSON; `faultline schema` gives its schema)' }],
  options: {
    json: {
      type: 'boolean',
      description: 'the last line of output is one JSON object: workflow id, verdict and its reason, reports',
    },
    id: {
      type: 'string',
      value: 'ID',
      description: "the experiment's workflow id",
      defaultText: "the experiment's name and the time",
    },
    'dry-run': {
      type: 'boolean',
      description: 'resolve the targets and connections and print the plan; start and touch nothing',
    },
    junit: { type: 'string', value: 'FILE', description: 'also write a JUnit XML report there, for CI' },
  },
  examples: [
    'faultline run examples/db-outage.json',
    'faultline run examples/db-outage.json --dry-run',
    'faultline run examples/db-outage.json --json --junit faultline.xml',
  ],
  async run({ values, args }) {
    const { raw, definition } = await loadDefinition(args[0]!);
    if (values['dry-run']) {
      await printDryRun(definition, values.json);
      return 0;
    }
    const out = (line: string) => process.stderr.write(`${line}\n`);
    await labIfConfigured();
    const client = await connectClient();
    try {
      await warnWithoutWorkers(client);
      const handle = await startExperiment(client, raw, definition, values.id);
      const workflowId = handle.workflowId;
      const ui = workflowUiUrl(workflowId);
      out(
        `experiment ${workflowId} started (${ui ? `Web UI: ${ui}` : 'set FAULTLINE_TEMPORAL_UI_URL for a Web UI link'})`,
      );
      const progress = showProgress(client, handle, out);
      let result: ExperimentResult;
      try {
        result = await handle.result();
      } catch (err) {
        if (err instanceof WorkflowFailedError)
          throw new Error(`experiment ${workflowId} failed: ${err.cause?.message ?? err.message}`);
        throw err;
      } finally {
        await progress.stop();
      }
      if (values.json) {
        process.stdout.write(`${result.summary}\n`);
        process.stdout.write(
          `${JSON.stringify({ workflowId, verdict: result.verdict, verdictReason: result.verdictReason, report: { json: result.report.json, html: result.report.html } })}\n`,
        );
      } else {
        process.stdout.write(`\n${result.summary}\nreport: ${result.report.json}\n        ${result.report.html}\n`);
      }
      if (values.junit) {
        const report = JSON.parse(await readFile(result.report.json, 'utf8')) as ExperimentReport;
        await writeFile(values.junit, junitXml(report));
        out(`JUnit report: ${values.junit}`);
      }
      return EXIT_CODES[result.verdict];
    } finally {
      await client.connection.close();
    }
  },
});

function describeTarget(t: NonNullable<DryRunPlan['target']>): string {
  switch (t.kind) {
    case 'docker':
      return `container ${t.id.slice(0, 12)}, opted in`;
    case 'rds':
      return `cluster, writer ${t.writer}, members ${t.members.join(', ')}, opted in`;
    case 'patroni':
      return `Patroni cluster, leader ${t.leader} now, members ${t.members.join(', ')}, opted in`;
    default:
      return t satisfies never;
  }
}
