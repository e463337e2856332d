/**
 * Aurora faults through the RDS API (@aws-sdk/client-rds): `failover-cluster` (FailoverDBCluster,
 * optional target instance: a reader is promoted, the writer changes) and `reboot-instance`
 * (RebootDBInstance: an Aurora instance restarts in place, the writer does not change; ForceFailover
 * belongs to Multi-AZ DB instances and is refused on an Aurora cluster's).
 *
 * Safety: before anything, the cluster must exist, be `available`, have a replica to promote and
 * carry the opt-in tag `faultline:target=true`; otherwise a clear, final refusal.
 * After injecting it polls (rds-cluster-state.ts) until the writer has changed (failover) and the
 * cluster is available, or the rebooted instance is available again, recording the old and new writer, its own observations and the RDS events (DescribeEvents).
 * The restore of a failover is "wait until available": there is nothing to undo.
 *
 * Region, endpoint and credentials: the AWS SDK's standard chain (AWS_REGION, AWS_PROFILE,
 * AWS_ACCESS_KEY_ID, ...), with FAULTLINE_RDS_ENDPOINT to point at another endpoint (the lab's).
 * Nothing of it passes through the workflow.
 */
import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  ListTagsForResourceCommand,
  type RDSClient,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { RdsFault } from '../../shared/experiment-schema';
import { RDS_TARGET_TAG } from '../../shared/names';
import { logger } from '../../platform/logger';
import type { RdsInjection, Locked, RdsObservation, ResolvedRdsTarget, TouchedThing } from '../../shared/fault-types';
import { rdsTouches } from '../../shared/touched-things';
import { describeCluster, writerOf } from '../../platform/rds-cluster';
import { isAurora, pollCluster, rdsClient } from './rds-cluster-state';

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'TargetRefused');

/** The tag naming the Patroni cluster (its scope) whose nodes a lab cluster's instances are. */
const PATRONI_SCOPE_TAG = 'faultline:patroni-scope';
const patroniBehind = (tags: Array<{ Key?: string; Value?: string }>): TouchedThing[] =>
  tags.filter((t) => t.Key === PATRONI_SCOPE_TAG && t.Value).map((t) => ({ kind: 'patroni' as const, name: t.Value! }));

export async function resolveRdsTarget(fault: RdsFault): Promise<Locked<ResolvedRdsTarget>> {
  const rds = rdsClient(fault);
  const cluster = await describeCluster(rds, fault.cluster);
  if (!cluster) throw refuse(`fault.cluster: no Aurora cluster "${fault.cluster}"`);
  const tags =
    cluster.TagList ??
    (await rds.send(new ListTagsForResourceCommand({ ResourceName: cluster.DBClusterArn! }))).TagList ??
    [];
  if (!tags.some((t) => t.Key === RDS_TARGET_TAG && t.Value === 'true')) {
    throw refuse(
      `fault.cluster: cluster "${fault.cluster}" is not opted in as a chaos target (tag ${RDS_TARGET_TAG}=true); refusing to touch it`,
    );
  }
  if (cluster.Status !== 'available')
    throw refuse(`fault.cluster: cluster "${fault.cluster}" is ${cluster.Status}, not available`);
  const members = (cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier!).filter(Boolean);
  const writer = writerOf(cluster);
  if (members.filter((m) => m !== writer).length === 0) {
    throw refuse(
      `fault.cluster: cluster "${fault.cluster}" has no replica to promote (members: ${members.join(', ') || 'none'})`,
    );
  }
  for (const [field, instance] of [
    ['fault.targetInstance', fault.targetInstance],
    ['fault.instance', fault.instance],
  ] as const) {
    if (instance && !members.includes(instance))
      throw refuse(`${field}: "${instance}" is not a member of cluster "${fault.cluster}"`);
  }
  if (fault.targetInstance && fault.targetInstance === writer)
    throw refuse(`fault.targetInstance: "${fault.targetInstance}" is already the writer`);
  if (fault.action === 'reboot-instance' && fault.forceFailover && isAurora(cluster))
    throw refuse(
      `fault.forceFailover: ForceFailover belongs to Multi-AZ DB instances; an Aurora instance reboots in place (use action failover-cluster to change the writer)`,
    );
  return {
    kind: 'rds',
    name: fault.cluster,
    cluster: fault.cluster,
    arn: cluster.DBClusterArn!,
    writer,
    members,
    // A cluster whose instances are a Patroni cluster's nodes (the lab's Aurora) touches that too.
    touches: [...rdsTouches(fault.cluster), ...patroniBehind(tags)],
  };
}

async function rdsEvents(rds: RDSClient, target: ResolvedRdsTarget, since: Date): Promise<RdsObservation[]> {
  const sources = [
    { SourceIdentifier: target.cluster, SourceType: 'db-cluster' as const },
    ...target.members.map((m) => ({ SourceIdentifier: m, SourceType: 'db-instance' as const })),
  ];
  const events: RdsObservation[] = [];
  for (const source of sources) {
    const out = await rds.send(new DescribeEventsCommand({ ...source, StartTime: since }));
    for (const e of out.Events ?? [])
      events.push({
        at: (e.Date ?? new Date()).toISOString(),
        source: 'rds',
        message: `${e.SourceIdentifier}: ${e.Message}`,
      });
  }
  return events;
}

/** What the inject activity heartbeats as soon as the API call returned: a retry polls, never calls again. */
interface RdsRequested {
  rdsRequested: {
    target: ResolvedRdsTarget;
    injectRequestedAt: string;
    observed: RdsObservation[];
    attempt: number;
    /** A reboot the API said was under way: the instance to wait for. */
    rebooting?: string;
  };
}

/**
 * The one API call of the fault: FailoverDBCluster, or RebootDBInstance; for a reboot, the instance
 * to wait for when the API answered that it is rebooting.
 */
async function requestFailover(
  rds: RDSClient,
  fault: RdsFault,
  target: ResolvedRdsTarget,
  note: (message: string) => void,
): Promise<string | undefined> {
  logger.info({ action: fault.action, cluster: target.cluster, writer: target.writer }, 'injecting rds fault');
  switch (fault.action) {
    case 'failover-cluster': {
      const to = fault.targetInstance ? { TargetDBInstanceIdentifier: fault.targetInstance } : {};
      await rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: target.cluster, ...to }));
      const toText = fault.targetInstance ? `, target ${fault.targetInstance}` : '';
      note(`FailoverDBCluster requested (writer ${target.writer}${toText})`);
      return undefined;
    }
    case 'reboot-instance': {
      const instance = fault.instance ?? target.writer;
      const out = await rds.send(
        new RebootDBInstanceCommand({ DBInstanceIdentifier: instance, ForceFailover: fault.forceFailover }),
      );
      const status = out.DBInstance?.DBInstanceStatus ?? 'unknown';
      note(`RebootDBInstance ${instance} requested (ForceFailover ${fault.forceFailover}); the API answered ${status}`);
      return status === 'rebooting' ? instance : undefined;
    }
    default:
      fault.action satisfies never;
  }
}

/** Tests only: fail the first attempt right after the API call, as a worker lost at that moment would. */
const failAfterCallForTests = () =>
  process.env.FAULTLINE_TEST_FAIL_AFTER_RDS_CALL === '1' && activityInfo().attempt === 1;

export async function injectRdsFault(
  fault: RdsFault,
): Promise<{ target: ResolvedRdsTarget; injectRequestedAt: string; targetDownAt: string | null; rds: RdsInjection }> {
  const rds = rdsClient(fault);
  const previous = (activityInfo().heartbeatDetails as Partial<RdsRequested> | undefined)?.rdsRequested;
  const observed: RdsObservation[] = [...(previous?.observed ?? [])];
  const note = (message: string) => observed.push({ at: new Date().toISOString(), source: 'faultline', message });
  let target: ResolvedRdsTarget;
  let injectRequestedAt: string;
  let rebooting: string | undefined;
  if (previous) {
    // An earlier attempt made the call: calling again would fail the cluster over a second time.
    ({ target, injectRequestedAt, rebooting } = previous);
    note(
      `attempt ${activityInfo().attempt} resumes: the failover was requested by attempt ${previous.attempt} at ${injectRequestedAt}; polling it`,
    );
  } else {
    target = await resolveRdsTarget(fault);
    injectRequestedAt = new Date().toISOString();
    rebooting = await requestFailover(rds, fault, target, note);
    heartbeat({
      rdsRequested: { target, injectRequestedAt, observed, attempt: activityInfo().attempt, rebooting },
    } satisfies RdsRequested);
    if (failAfterCallForTests()) {
      await new Promise((r) => setTimeout(r, 500)); // the heartbeat reaches the server first
      throw new Error('test hook: the first attempt fails right after the RDS API call');
    }
  }
  const since = new Date(injectRequestedAt);
  const keep = () =>
    heartbeat({
      rdsRequested: { target, injectRequestedAt, observed, attempt: activityInfo().attempt, rebooting },
    } satisfies RdsRequested);
  const needsNewWriter = fault.action === 'failover-cluster';
  const { writerChangedAt, newWriter } = await pollCluster(
    rds,
    fault,
    target,
    { needsNewWriter, rebooting },
    note,
    keep,
  );
  const availableAt = new Date().toISOString();
  const events = [...observed, ...(await rdsEvents(rds, target, since))].sort((a, b) => a.at.localeCompare(b.at));
  return {
    target,
    injectRequestedAt,
    targetDownAt: writerChangedAt,
    rds: {
      oldWriter: target.writer,
      newWriter,
      writerChanged: newWriter !== target.writer,
      writerChangedAt,
      availableAt,
      events,
    },
  };
}

/** A failover has nothing to undo: the restore waits until the cluster and its members are available. */
export async function waitRdsAvailable(
  fault: RdsFault,
): Promise<{ restoreRequestedAt: string; action: string; targetRunningAt: string }> {
  const rds = rdsClient(fault);
  const restoreRequestedAt = new Date().toISOString();
  const deadline = Date.now() + fault.waitTimeoutSeconds * 1000;
  for (;;) {
    const cluster = await describeCluster(rds, fault.cluster);
    if (cluster?.Status === 'available') break;
    if (Date.now() > deadline)
      throw new Error(`cluster ${fault.cluster} is not available after ${fault.waitTimeoutSeconds} s`);
    heartbeat({ cluster: fault.cluster, status: cluster?.Status });
    await new Promise((r) => setTimeout(r, fault.pollIntervalMs));
  }
  return { restoreRequestedAt, action: 'wait-available', targetRunningAt: new Date().toISOString() };
}
