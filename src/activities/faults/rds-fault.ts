/**
 * Aurora faults through the RDS API (@aws-sdk/client-rds): `failover-cluster` (FailoverDBCluster,
 * optional target instance) and `reboot-instance` (RebootDBInstance with ForceFailover).
 *
 * Safety: before anything, the cluster must exist, be `available`, have a replica to promote and
 * carry the opt-in tag `faultline:target=true`; otherwise a clear, final refusal.
 * After injecting it polls until the writer has changed (failover) and the cluster is available,
 * recording the old and new writer, its own observations and the RDS events (DescribeEvents).
 * The restore of a failover is "wait until available": there is nothing to undo.
 *
 * Region, endpoint and credentials: the AWS SDK's standard chain (AWS_REGION, AWS_PROFILE,
 * AWS_ACCESS_KEY_ID, ...), with FAULTLINE_RDS_ENDPOINT to point at another endpoint (moto in tests).
 * Nothing of it passes through the workflow.
 */
import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  DescribeDBClustersCommand,
  DescribeEventsCommand,
  FailoverDBClusterCommand,
  ListTagsForResourceCommand,
  RDSClient,
  RebootDBInstanceCommand,
  type DBCluster,
} from '@aws-sdk/client-rds';
import type { RdsFault } from '../../shared/experiment-schema';
import { RDS_TARGET_TAG } from '../../shared/names';
import { logger } from '../../platform/logger';
import type { RdsInjection, Locked, RdsObservation, ResolvedRdsTarget } from '../../shared/fault-types';
import { rdsTouches } from '../../shared/touched-things';

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'TargetRefused');

function rdsClient(fault: RdsFault): RDSClient {
  const endpoint = process.env.FAULTLINE_RDS_ENDPOINT || undefined;
  return new RDSClient({ ...(fault.region ? { region: fault.region } : {}), ...(endpoint ? { endpoint } : {}) });
}

async function describeCluster(rds: RDSClient, cluster: string): Promise<DBCluster | undefined> {
  try {
    return (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }))).DBClusters?.[0];
  } catch (err) {
    if ((err as { name?: string }).name === 'DBClusterNotFoundFault') return undefined;
    throw err;
  }
}

const writerOf = (cluster: DBCluster) =>
  cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier ?? '';

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
  return {
    kind: 'rds',
    name: fault.cluster,
    cluster: fault.cluster,
    arn: cluster.DBClusterArn!,
    writer,
    members,
    touches: rdsTouches(fault.cluster),
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
  rdsRequested: { target: ResolvedRdsTarget; injectRequestedAt: string; observed: RdsObservation[]; attempt: number };
}

/** Polls until the writer changed (a failover) and the cluster is available again. */
async function pollFailover(
  rds: RDSClient,
  fault: RdsFault,
  target: ResolvedRdsTarget,
  note: (message: string) => void,
  keep: () => void,
): Promise<{ writerChangedAt: string | null; newWriter: string }> {
  const deadline = Date.now() + fault.waitTimeoutSeconds * 1000;
  const needsNewWriter = fault.action === 'failover-cluster';
  let writerChangedAt: string | null = null;
  let newWriter = target.writer;
  let lastStatus = '';
  for (;;) {
    const cluster = await describeCluster(rds, target.cluster);
    const status = cluster?.Status ?? 'missing';
    if (status !== lastStatus) note(`cluster status ${status}`);
    lastStatus = status;
    const writer = cluster ? writerOf(cluster) : '';
    if (writer && writer !== target.writer && !writerChangedAt) {
      writerChangedAt = new Date().toISOString();
      newWriter = writer;
      note(`writer changed: ${target.writer} -> ${writer}`);
    }
    if (status === 'available' && (!needsNewWriter || writerChangedAt)) return { writerChangedAt, newWriter };
    if (Date.now() > deadline) {
      throw ApplicationFailure.nonRetryable(
        `cluster ${target.cluster} did not ${needsNewWriter && !writerChangedAt ? 'change writer' : 'become available'} within ${fault.waitTimeoutSeconds} s`,
        'FailoverTimeout',
      );
    }
    keep();
    await new Promise((r) => setTimeout(r, fault.pollIntervalMs));
  }
}

/** The one API call of the fault: FailoverDBCluster, or RebootDBInstance with ForceFailover. */
async function requestFailover(
  rds: RDSClient,
  fault: RdsFault,
  target: ResolvedRdsTarget,
  note: (message: string) => void,
): Promise<void> {
  logger.info({ action: fault.action, cluster: target.cluster, writer: target.writer }, 'injecting rds fault');
  switch (fault.action) {
    case 'failover-cluster': {
      const to = fault.targetInstance ? { TargetDBInstanceIdentifier: fault.targetInstance } : {};
      await rds.send(new FailoverDBClusterCommand({ DBClusterIdentifier: target.cluster, ...to }));
      const toText = fault.targetInstance ? `, target ${fault.targetInstance}` : '';
      return note(`FailoverDBCluster requested (writer ${target.writer}${toText})`);
    }
    case 'reboot-instance': {
      const instance = fault.instance ?? target.writer;
      await rds.send(
        new RebootDBInstanceCommand({ DBInstanceIdentifier: instance, ForceFailover: fault.forceFailover }),
      );
      return note(`RebootDBInstance ${instance} requested (ForceFailover ${fault.forceFailover})`);
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
  if (previous) {
    // An earlier attempt made the call: calling again would fail the cluster over a second time.
    ({ target, injectRequestedAt } = previous);
    note(
      `attempt ${activityInfo().attempt} resumes: the failover was requested by attempt ${previous.attempt} at ${injectRequestedAt}; polling it`,
    );
  } else {
    target = await resolveRdsTarget(fault);
    injectRequestedAt = new Date().toISOString();
    await requestFailover(rds, fault, target, note);
    heartbeat({
      rdsRequested: { target, injectRequestedAt, observed, attempt: activityInfo().attempt },
    } satisfies RdsRequested);
    if (failAfterCallForTests()) {
      await new Promise((r) => setTimeout(r, 500)); // the heartbeat reaches the server first
      throw new Error('test hook: the first attempt fails right after the RDS API call');
    }
  }
  const since = new Date(injectRequestedAt);
  const keep = () =>
    heartbeat({
      rdsRequested: { target, injectRequestedAt, observed, attempt: activityInfo().attempt },
    } satisfies RdsRequested);
  const { writerChangedAt, newWriter } = await pollFailover(rds, fault, target, note, keep);
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
