/** `faultline start`, `status`, `abort`: an experiment without waiting for it. */
import { parseArgs } from 'node:util';
import { labUp } from '../../lab/lab';
import type { ExperimentStatus } from '../../shared/experiment-types';
import { connectClient } from '../../platform/temporal-connection';
import type { Command } from '../command';
import { abortSignal, statusQuery } from '../../workflows/chaos-experiment/contract';
import { startExperiment } from '../start-experiment';
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

export const startCommand: Command = {
  summary: 'start an experiment file and print its workflow id (does not wait)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { id: { type: 'string' } } });
    if (!positionals[0]) throw new Error('usage: faultline start <experiment.json> [--id ID]');
    const { raw, definition } = await loadDefinition(positionals[0]);
    await labUp();
    const handle = await withClient((client) => startExperiment(client, raw, definition, values.id));
    process.stdout.write(`${handle.workflowId}\n`);
    return 0;
  },
};

export const statusCommand: Command = {
  summary: 'phase, elapsed and remaining time of an experiment (--json)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false } },
    });
    if (!positionals[0]) throw new Error('usage: faultline status <workflow-id> [--json]');
    const status = await withClient(async (client) => {
      const handle = client.workflow.getHandle(positionals[0]!);
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return { state: description.status.name };
      const status = await handle.query(statusQuery);
      const live = await liveWorkloads(handle).catch(() => []);
      return { state: 'RUNNING', ...status, ...(live.length ? { workloads: live } : {}) };
    });
    if (values.json) process.stdout.write(`${JSON.stringify(status)}\n`);
    else if (!('phase' in status)) process.stdout.write(`${positionals[0]}: ${status.state}\n`);
    else {
      const s = status as ExperimentStatus;
      const { elapsedMs, remainingMs } = clockOf(s);
      process.stdout.write(
        `${s.experimentId}: ${s.phase}, ${(elapsedMs / 1000).toFixed(0)} s elapsed${remainingMs !== null ? `, ${Math.ceil(remainingMs / 1000)} s left in phase` : ''}${s.aborted ? `, aborting (${s.abortReason})` : ''}${formatLive(s)}\n`,
      );
    }
    return 0;
  },
};

export const abortCommand: Command = {
  summary: 'abort an experiment: restore at once and report it aborted (--reason TEXT)',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { reason: { type: 'string', default: 'aborted from the CLI' } },
    });
    if (!positionals[0]) throw new Error('usage: faultline abort <workflow-id> --reason TEXT');
    await withClient((client) => client.workflow.getHandle(positionals[0]!).signal(abortSignal, values.reason));
    process.stdout.write(`abort sent to ${positionals[0]}: ${values.reason}\n`);
    return 0;
  },
};
