/**
 * `faultline schedule`: recurring chaos with Temporal Schedules (a nightly failover drill).
 * Overlap policy SKIP by default (two experiments must never fault the same target at once), an
 * explicit catch-up window, and each run gets a unique workflow id (Temporal appends the time).
 * The same schedules are visible with `temporal schedule list/describe`.
 */
import { parseArgs } from 'node:util';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { experimentDetails, experimentSummary } from '../../shared/experiment-markdown';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../workflows/chaos-experiment/contract';
import { connectClient } from '../../platform/temporal-connection';
import type { Command } from '../command';
import { loadDefinition } from './run';

const USAGE = `usage:
  faultline schedule create --id ID (--cron "EXPR" | --every DURATION) --experiment FILE
                            [--paused] [--note TEXT] [--overlap skip|buffer-one|allow-all] [--catchup-window DURATION]
  faultline schedule list [--json]
  faultline schedule describe ID [--json]
  faultline schedule pause ID [--note TEXT]
  faultline schedule unpause ID [--note TEXT]
  faultline schedule trigger ID
  faultline schedule delete ID
DURATION: a number and a unit, e.g. 30s, 10m, 6h, 1d`;

const DURATION = /^\d+(ms|s|m|h|d)$/;
const SCHEDULE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;
const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

function need(value: string | undefined, what: string): string {
  if (!value) throw new Error(`${what} is required\n${USAGE}`);
  return value;
}

async function create(client: Client, args: string[]): Promise<string> {
  const { values } = parseArgs({
    args,
    options: {
      id: { type: 'string' },
      cron: { type: 'string' },
      every: { type: 'string' },
      experiment: { type: 'string' },
      paused: { type: 'boolean', default: false },
      note: { type: 'string' },
      overlap: { type: 'string', default: 'skip' },
      'catchup-window': { type: 'string', default: '10m' },
    },
  });
  const id = need(values.id, '--id');
  if (!SCHEDULE_ID.test(id)) throw new Error('--id: letters, digits, _ . - only (at most 200)');
  if ((values.cron === undefined) === (values.every === undefined))
    throw new Error(`give exactly one of --cron or --every\n${USAGE}`);
  if (values.every !== undefined && !DURATION.test(values.every))
    throw new Error('--every: a duration such as 30s, 10m, 6h, 1d');
  if (values.cron !== undefined && values.cron.trim().split(/\s+/).length !== 5)
    throw new Error('--cron: five fields, e.g. "0 3 * * *"');
  if (!DURATION.test(values['catchup-window'])) throw new Error('--catchup-window: a duration such as 10m');
  const overlap = OVERLAP[values.overlap];
  if (overlap === undefined) throw new Error('--overlap: skip, buffer-one or allow-all');
  const { raw, definition } = await loadDefinition(need(values.experiment, '--experiment'));
  await client.schedule.create({
    scheduleId: id,
    spec: values.cron ? { cronExpressions: [values.cron] } : { intervals: [{ every: values.every as `${number}s` }] },
    action: {
      type: 'startWorkflow',
      workflowType: EXPERIMENT_WORKFLOW_TYPE,
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId: id,
      args: [raw],
      staticSummary: experimentSummary(definition),
      staticDetails: experimentDetails(definition),
    },
    policies: { overlap, catchupWindow: values['catchup-window'] as `${number}m` },
    state: { paused: values.paused, note: values.note ?? `faultline ${definition.name}` },
  });
  return `schedule ${id} created: ${definition.name} ${values.cron ? `at "${values.cron}"` : `every ${values.every}`}, overlap ${values.overlap}${values.paused ? ', paused' : ''}`;
}

async function describe(client: Client, id: string) {
  const d = await client.schedule.getHandle(id).describe();
  return {
    id: d.scheduleId,
    paused: d.state.paused,
    note: d.state.note,
    spec: { calendars: d.spec.calendars ?? [], intervals: (d.spec.intervals ?? []).map((i) => i.every) },
    overlap: d.policies.overlap,
    catchupWindowMs: d.policies.catchupWindow,
    actions: d.info.numActionsTaken,
    skippedForOverlap: d.info.numActionsSkippedOverlap,
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    recent: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
    })),
    next: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
  };
}

async function list(client: Client, json: boolean): Promise<string> {
  const rows = [];
  for await (const s of client.schedule.list()) {
    rows.push({
      id: s.scheduleId,
      paused: s.state.paused,
      note: s.state.note,
      next: s.info.nextActionTimes[0]?.toISOString() ?? null,
      recent: s.info.recentActions.length,
    });
  }
  if (json) return `${JSON.stringify(rows)}\n`;
  return rows
    .map((r) => `${r.id.padEnd(30)} ${r.paused ? 'paused ' : 'active '} next ${r.next ?? '-'}  ${r.note ?? ''}\n`)
    .join('');
}

/** The SDK's default for a trigger is ALLOW_ALL: use the schedule's own overlap policy instead. */
async function trigger(client: Client, id: string): Promise<string> {
  const handle = client.schedule.getHandle(id);
  const overlap = (await handle.describe()).policies.overlap;
  await handle.trigger(overlap);
  return `schedule ${id} triggered (overlap policy ${overlap})\n`;
}

export const scheduleCommand: Command = {
  summary: 'recurring experiments with Temporal Schedules: create, list, describe, pause, unpause, trigger, delete',
  async run(args) {
    const [sub, ...rest] = args;
    const json = rest.includes('--json');
    const positional = rest.filter((a) => !a.startsWith('--'));
    const client = await connectClient();
    try {
      switch (sub) {
        case 'create':
          process.stdout.write(`${await create(client, rest)}\n`);
          return 0;
        case 'list':
          process.stdout.write(await list(client, json));
          return 0;
        case 'describe': {
          const d = await describe(client, need(positional[0], 'ID'));
          process.stdout.write(json ? `${JSON.stringify(d)}\n` : `${JSON.stringify(d, null, 2)}\n`);
          return 0;
        }
        case 'pause':
        case 'unpause': {
          const { values, positionals } = parseArgs({
            args: rest,
            allowPositionals: true,
            options: { note: { type: 'string' } },
          });
          const handle = client.schedule.getHandle(need(positionals[0], 'ID'));
          await (sub === 'pause' ? handle.pause(values.note) : handle.unpause(values.note));
          process.stdout.write(`schedule ${handle.scheduleId} ${sub}d\n`);
          return 0;
        }
        case 'trigger':
          process.stdout.write(await trigger(client, need(positional[0], 'ID')));
          return 0;
        case 'delete':
          await client.schedule.getHandle(need(positional[0], 'ID')).delete();
          process.stdout.write(`schedule ${positional[0]} deleted\n`);
          return 0;
        default:
          process.stderr.write(`${USAGE}\n`);
          return 2;
      }
    } finally {
      await client.connection.close();
    }
  },
};
