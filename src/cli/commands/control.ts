/** `faultline start`, `status`, `abort`: an experiment without waiting for it. */
import type { ExperimentStatus } from '../../shared/experiment-types';
import { connectClient } from '../../platform/temporal-connection';
import { defineCommand } from '../command';
import { abortSignal, statusQuery } from '../../shared/experiment-contract';
import { startExperiment } from '../start-experiment';
import { labIfConfigured, warnWithoutWorkers } from '../lab-or-configured';
import { clockOf, formatLive, loadDefinition } from './run';
import { liveWorkloads } from '../live-workloads';

async function withClient<T>(use: (client: Awaited<ReturnType<typeof connectClient>>) => Promise<T>): Promise<T> {
  const client = await connectClient();
  try {
    return await use(client);
  } finally {
    await client.connection.close();
  }
}

const WORKFLOW_ID = { name: 'WORKFLOW-ID', description: "the experiment's workflow id (as `start` printed it)" };

export const startCommand = defineCommand({
  summary: 'start an experiment file and print its workflow id (does not wait)',
  description:
    'Validates the definition, starts the lab parts that are not running, starts the experiment and prints its ' +
    'workflow id; `faultline status` and `faultline abort` take it.',
  arguments: [{ name: 'FILE', description: 'the experiment definition (JSON)' }],
  options: {
    id: {
      type: 'string',
      value: 'ID',
      description: "the experiment's workflow id",
      defaultText: "the experiment's name and the time",
    },
  },
  examples: ['faultline start examples/db-outage.json', 'faultline start examples/db-outage.json --id nightly-1'],
  async run({ values, args }) {
    const { raw, definition } = await loadDefinition(args[0]!);
    await labIfConfigured();
    const handle = await withClient(async (client) => {
      await warnWithoutWorkers(client);
      return startExperiment(client, raw, definition, values.id);
    });
    process.stdout.write(`${handle.workflowId}\n`);
    return 0;
  },
});

export const statusCommand = defineCommand({
  summary: 'phase, elapsed and remaining time of an experiment, and its live counters',
  arguments: [WORKFLOW_ID],
  options: { json: { type: 'boolean', description: 'one JSON object (the live counters per path included)' } },
  examples: [
    'faultline status db-outage-2026-03-01T03-00-00-000Z',
    'faultline status db-outage-2026-03-01T03-00-00-000Z --json',
  ],
  async run({ values, args }) {
    const id = args[0]!;
    const status = await withClient(async (client) => {
      const handle = client.workflow.getHandle(id);
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return { state: description.status.name };
      const status = await handle.query(statusQuery);
      const live = await liveWorkloads(handle).catch(() => []);
      return { state: 'RUNNING', ...status, ...(live.length ? { workloads: live } : {}) };
    });
    if (values.json) process.stdout.write(`${JSON.stringify(status)}\n`);
    else if (!('phase' in status)) process.stdout.write(`${id}: ${status.state}\n`);
    else {
      const s = status as ExperimentStatus;
      const { elapsedMs, remainingMs } = clockOf(s);
      process.stdout.write(
        `${s.experimentId}: ${s.phase}, ${(elapsedMs / 1000).toFixed(0)} s elapsed${remainingMs !== null ? `, ${Math.ceil(remainingMs / 1000)} s left in phase` : ''}${s.aborted ? `, aborting (${s.abortReason})` : ''}${formatLive(s)}\n`,
      );
    }
    return 0;
  },
});

export const abortCommand = defineCommand({
  summary: 'abort an experiment: restore at once and report it aborted',
  arguments: [WORKFLOW_ID],
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'why, in the report', default: 'aborted from the CLI' },
  },
  examples: ['faultline abort db-outage-2026-03-01T03-00-00-000Z --reason "the checkout is down"'],
  async run({ values, args }) {
    await withClient((client) => client.workflow.getHandle(args[0]!).signal(abortSignal, values.reason));
    process.stdout.write(`abort sent to ${args[0]}: ${values.reason}\n`);
    return 0;
  },
});
