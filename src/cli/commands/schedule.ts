/**
 * `faultline schedule`: recurring chaos with Temporal Schedules (a nightly failover drill).
 * Overlap policy SKIP by default (two experiments must never fault the same target at once), an
 * explicit catch-up window, and each run gets a unique workflow id (Temporal appends the time).
 * The same schedules are visible with `temporal schedule list/describe`.
 */
import type { Client } from '@temporalio/client';
import { connectClient } from '../../platform/temporal-connection';
import { defineCommand, matching, oneOf, type ArgumentSpec, type CommandGroup } from '../command';
import { createSchedule, describeSchedule, listSchedules, OVERLAP, triggerSchedule } from './schedule-actions';

const DURATION = matching(/^\d+(ms|s|m|h|d)$/, 'a number and a unit of ms, s, m, h or d: 30s, 10m, 6h, 1d');
const CRON = matching(/^\s*\S+(\s+\S+){4}\s*$/, 'a cron expression of five fields, e.g. "0 3 * * *"');
const SCHEDULE_ID = matching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/, 'at most 200 letters, digits, _ . -');
const ID: ArgumentSpec = { name: 'ID', description: "the schedule's id (as created)" };
const JSON_OPTION = { type: 'boolean', description: 'one JSON document' } as const;
const NOTE = { type: 'string', value: 'TEXT', description: "the schedule's note (why)" } as const;

async function withClient(use: (client: Client) => Promise<string>): Promise<number> {
  const client = await connectClient();
  try {
    process.stdout.write(await use(client));
    return 0;
  } finally {
    await client.connection.close();
  }
}

const create = defineCommand({
  summary: 'create a schedule that starts an experiment file on a cron expression or at an interval',
  options: {
    id: { type: 'string', value: 'ID', required: true, check: SCHEDULE_ID, description: "the schedule's id" },
    cron: { type: 'string', value: 'EXPR', check: CRON, description: 'when, as cron (UTC); or --every' },
    every: { type: 'string', value: 'DURATION', check: DURATION, description: 'how often; or --cron' },
    experiment: { type: 'string', value: 'FILE', required: true, description: 'the experiment definition (JSON)' },
    paused: { type: 'boolean', description: 'create it paused (`schedule unpause` starts it)' },
    note: { ...NOTE, defaultText: 'faultline and the experiment name' },
    overlap: {
      type: 'string',
      value: 'POLICY',
      default: 'skip',
      check: oneOf(...Object.keys(OVERLAP)),
      description: 'when a run is due while the last still runs (skip: never two at once on one target)',
    },
    'catchup-window': {
      type: 'string',
      value: 'DURATION',
      default: '10m',
      check: DURATION,
      description: 'how late a missed run (the server was down) may still start',
    },
  },
  validate: (v) =>
    (v.cron === undefined) === (v.every === undefined) ? 'give exactly one of --cron and --every' : undefined,
  examples: [
    'faultline schedule create --id nightly-db --cron "0 3 * * *" --experiment examples/db-outage.json',
    'faultline schedule create --id drill --every 30m --experiment examples/db-outage.json --paused',
  ],
  run: ({ values: v }) =>
    withClient(async (client) => {
      const { 'catchup-window': catchupWindow, experiment, id, ...rest } = v;
      return `${await createSchedule(client, { ...rest, id: id!, experiment: experiment!, catchupWindow })}\n`;
    }),
});

const list = defineCommand({
  summary: 'every schedule: paused or active, its next run, its note',
  options: { json: JSON_OPTION },
  examples: ['faultline schedule list', 'faultline schedule list --json'],
  run: ({ values }) => withClient((client) => listSchedules(client, values.json)),
});

const describe = defineCommand({
  summary: "a schedule's spec, policies, recent and next runs",
  arguments: [ID],
  options: { json: { ...JSON_OPTION, description: 'on one line' } },
  examples: ['faultline schedule describe nightly-db'],
  run: ({ values, args }) =>
    withClient(async (client) => {
      const d = await describeSchedule(client, args[0]!);
      return values.json ? `${JSON.stringify(d)}\n` : `${JSON.stringify(d, null, 2)}\n`;
    }),
});

const pauseOrUnpause = (sub: 'pause' | 'unpause') =>
  defineCommand({
    summary:
      sub === 'pause' ? 'pause a schedule: no run starts until it is unpaused' : 'let a paused schedule run again',
    arguments: [ID],
    options: { note: NOTE },
    examples: [`faultline schedule ${sub} nightly-db${sub === 'pause' ? ' --note "release freeze"' : ''}`],
    run: ({ values, args }) =>
      withClient(async (client) => {
        const handle = client.schedule.getHandle(args[0]!);
        await (sub === 'pause' ? handle.pause(values.note) : handle.unpause(values.note));
        return `schedule ${handle.scheduleId} ${sub}d\n`;
      }),
  });

const trigger = defineCommand({
  summary: "start a schedule's experiment now (under its overlap policy)",
  arguments: [ID],
  options: {},
  examples: ['faultline schedule trigger nightly-db'],
  run: ({ args }) => withClient((client) => triggerSchedule(client, args[0]!)),
});

const remove = defineCommand({
  summary: 'delete a schedule (its past runs stay in the history)',
  arguments: [ID],
  options: {},
  examples: ['faultline schedule delete nightly-db'],
  run: ({ args }) =>
    withClient(async (client) => {
      await client.schedule.getHandle(args[0]!).delete();
      return `schedule ${args[0]} deleted\n`;
    }),
});

export const scheduleCommand: CommandGroup = {
  summary: 'recurring experiments with Temporal Schedules: create, list, describe, pause, unpause, trigger, delete',
  description:
    'Recurring experiments with Temporal Schedules (a nightly failover drill). Overlap policy skip by default: ' +
    'two experiments never fault one target at once. Each run gets its own workflow id (the schedule id and ' +
    'the time). The same schedules are visible with `temporal schedule list`.',
  subcommands: {
    create,
    list,
    describe,
    pause: pauseOrUnpause('pause'),
    unpause: pauseOrUnpause('unpause'),
    trigger,
    delete: remove,
  },
};
