/** What `faultline schedule`'s subcommands do with Temporal's schedules (schedule.ts parses them). */
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { experimentDetails, experimentSummary } from '../../shared/experiment-markdown';
import { EXPERIMENT_WORKFLOW_TYPE } from '../../shared/experiment-contract';
import { experimentTaskQueue } from '../../platform/settings';
import { loadDefinition } from './run';

export const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

export interface CreateSchedule {
  id: string;
  cron: string | undefined;
  every: string | undefined;
  experiment: string;
  paused: boolean;
  note: string | undefined;
  overlap: string;
  catchupWindow: string;
}

export async function createSchedule(client: Client, o: CreateSchedule): Promise<string> {
  const { raw, definition } = await loadDefinition(o.experiment);
  await client.schedule.create({
    scheduleId: o.id,
    spec: o.cron ? { cronExpressions: [o.cron] } : { intervals: [{ every: o.every as `${number}s` }] },
    action: {
      type: 'startWorkflow',
      workflowType: EXPERIMENT_WORKFLOW_TYPE,
      taskQueue: experimentTaskQueue(),
      workflowId: o.id,
      args: [raw],
      staticSummary: experimentSummary(definition),
      staticDetails: experimentDetails(definition),
    },
    policies: { overlap: OVERLAP[o.overlap]!, catchupWindow: o.catchupWindow as `${number}m` },
    state: { paused: o.paused, note: o.note ?? `faultline ${definition.name}` },
  });
  return `schedule ${o.id} created: ${definition.name} ${o.cron ? `at "${o.cron}"` : `every ${o.every}`}, overlap ${o.overlap}${o.paused ? ', paused' : ''}`;
}

export async function describeSchedule(client: Client, id: string) {
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

export async function listSchedules(client: Client, json: boolean): Promise<string> {
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
export async function triggerSchedule(client: Client, id: string): Promise<string> {
  const handle = client.schedule.getHandle(id);
  const overlap = (await handle.describe()).policies.overlap;
  await handle.trigger(overlap);
  return `schedule ${id} triggered (overlap policy ${overlap})\n`;
}
