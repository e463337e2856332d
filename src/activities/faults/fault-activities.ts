/** The fault activities the experiment calls, whatever the fault's kind: resolve, inject, restore. */
import { activityInfo } from '@temporalio/activity';
import { beatWaiting, markInjected } from './heartbeat-marker';
import type { Fault } from '../../shared/experiment-schema';
import { TightProbe } from '../probes/tight-probe';
import { injectDockerFault, resolveDockerTarget, restoreDockerFault } from './docker-fault';
import { leaseName, recordLease, releaseLease } from './fault-lease';
import { injectPatroniFault, resolvePatroniTarget, type PatroniActed } from './patroni-fault';
import { restorePatroniFault } from './patroni-restore';
import { injectRdsFault, resolveRdsTarget, waitRdsAvailable } from './rds-fault';
import { injectNetworkFault, restoreNetworkFault } from './network-fault-steps';
import type {
  InjectionRecord,
  PathGroundTruth,
  ResolvedDockerTarget,
  ResolvedTarget,
  RestoreRecord,
  TcpReading,
} from '../../shared/fault-types';

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
function groundTruthOf(probe: TightProbe): Record<string, PathGroundTruth> {
  return Object.fromEntries(
    Object.entries(probe.perPath()).map(([path, t]) => [
      path,
      { downAt: iso(t.downAt), servingAgainAt: iso(t.servingAt), downMs: Math.round(t.downMs), timings: t.timings },
    ]),
  );
}

/** The workflow run that owns a lease (an activity run on its own owns one by its activity id). */
function leaseOwner(): { workflowId: string; runId: string } {
  const info = activityInfo();
  return info.workflowExecution ?? { workflowId: `activity-${info.activityId}`, runId: '-' };
}

/** Resolves and checks the target without touching it: refuses anything not opted in. */
export async function resolveFaultTarget(fault: Fault): Promise<ResolvedTarget> {
  if (fault.kind === 'rds') return await resolveRdsTarget(fault);
  if (fault.kind === 'patroni') return await resolvePatroniTarget(fault);
  return await resolveDockerTarget(fault);
}

type BeforeAction = (container: ResolvedDockerTarget) => Promise<void>;

/**
 * Applies a Docker, Patroni or network fault to its target (the lease is recorded by `before`,
 * right before a container is touched).
 */
async function applyFault(
  fault: Exclude<Fault, { kind: 'rds' }>,
  before: BeforeAction,
  paths: string[],
  resume: Partial<InjectMarker>,
): Promise<Omit<InjectionRecord, 'paths'>> {
  if (fault.kind === 'docker') return await injectDockerFault(fault, before);
  if (fault.kind === 'patroni')
    return await injectPatroniFault(fault, {
      beforeAction: before,
      paths,
      // Marked before the election wait: a retry resumes waiting, and never faults the new leader.
      onActed: (patroniActed) => markInjected({ patroniActed }),
      ...(resume.patroniActed ? { resume: resume.patroniActed } : {}),
    });
  return await injectNetworkFault(fault, await resolveDockerTarget(fault), before);
}

/** Faults after which the target serves again by itself: the probe waits for that in the inject. */
const healsByItself = (fault: Fault) =>
  (fault.kind === 'docker' && fault.action === 'restart') || fault.kind === 'patroni';

export interface InjectOptions {
  /**
   * Seconds from now by which the fault must be over whatever happens to the workflow: a Docker
   * fault gets a lease that the watchdog of any faultline worker enforces (dead man's switch).
   */
  deadlineSeconds?: number;
  /** Wait this long first (so the workloads see the `inject` phase before the fault lands). */
  settleMs?: number;
  /** The paths the ground-truth probe watches, and its stall threshold (the workload's). */
  paths?: string[];
  stallThresholdMs?: number;
}

export interface RestoreOptions {
  stallThresholdMs?: number;
  /** Network faults: the inject's reading of the target's TCP counters (what the restore counts from). */
  tcpAtInject?: TcpReading;
}

const DEFAULT_STALL_THRESHOLD_MS = 1000;
/** How long after the action the probe looks for the target going down. */
const SEE_DOWN_EXTRA_MS = 5000;
/**
 * Once one path is down, how long past the stall threshold the others are watched for being down
 * too (an attempt that started when the first path went down is a stall by then).
 */
const OTHER_PATHS_EXTRA_MS = 1000;
/** How long a restore (or a fault that heals by itself) may take to serve again. */
const SERVING_TIMEOUT_MS = 180_000;
/** Heartbeats while waiting, keeping the inject's marker (what a retry must find there). */
const beat = (what: string) => () => beatWaiting(what);

/** Without a deadline from the workflow, a fault still never outlives this. */
const DEFAULT_DEADLINE_SECONDS = 3600;

/**
 * The lease's length from when it is recorded: the workflow's deadline, and what the inject itself
 * may still take after that moment (a stop's grace period, the probe's waits, a self-healing fault's
 * wait to serve), so the watchdog never restores a fault that is still landing.
 */
export function leaseSeconds(fault: Fault, options: InjectOptions): number {
  const stallMs = options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS;
  const grace = fault.kind === 'docker' ? fault.gracePeriodSeconds : 0;
  const probeMs = options.paths?.length ? 2 * stallMs + SEE_DOWN_EXTRA_MS + OTHER_PATHS_EXTRA_MS : 0;
  const healMs = healsByItself(fault) ? SERVING_TIMEOUT_MS : 0;
  return (options.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS) + grace + Math.ceil((probeMs + healMs) / 1000);
}

/**
 * Heartbeated right after the action (heartbeat-marker.ts): a retried inject finds it and does not
 * act twice. `patroniActed` is marked before the election wait, `dockerInjected` once the inject's
 * own part is done (a Patroni fault's included).
 */
interface InjectMarker {
  dockerInjected: Omit<InjectionRecord, 'paths'>;
  patroniActed: PatroniActed;
}

/**
 * What the ground-truth probe sees of the fault landing: when it went down, on every path, and for
 * a self-healing fault when it served again.
 */
async function watchLanding(
  probe: TightProbe,
  fault: Fault,
  stallThresholdMs: number,
  injected: Omit<InjectionRecord, 'paths'>,
  done: Omit<InjectionRecord, 'paths'> | undefined,
): Promise<InjectionRecord> {
  const downAt = await probe.waitFor(
    () => probe.downSince(),
    stallThresholdMs + SEE_DOWN_EXTRA_MS,
    beat('the target to be seen down'),
  );
  // A retry sees the target already down: the first attempt's moment is the truth, when it had one.
  const record: InjectionRecord = {
    ...injected,
    targetDownAt: done?.targetDownAt ?? (downAt === null ? null : new Date(downAt).toISOString()),
  };
  if (downAt !== null && !healsByItself(fault)) {
    // Each path's ground truth is its own probe's: the others are watched until they too are seen
    // down, or for long enough that one which is not was not reached by the fault (its truth is 0).
    await probe.waitFor(
      () => (probe.everyPathSeenDown() ? Date.now() : null),
      stallThresholdMs + OTHER_PATHS_EXTRA_MS,
      beat('every path to be seen down'),
    );
  }
  if (healsByItself(fault)) {
    // Docker restarts it, Patroni elects another leader: the probe sees when it serves again.
    const servingAt = await probe.waitFor(
      () => probe.servingSince(),
      SERVING_TIMEOUT_MS,
      beat('the restarted target to serve'),
    );
    if (servingAt !== null) record.servingAgainAt = new Date(servingAt).toISOString();
  }
  return record;
}

export async function injectFault(fault: Fault, options: InjectOptions = {}): Promise<InjectionRecord> {
  if (options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  if (fault.kind === 'rds') return await injectRdsFault(fault); // a failover leaves nothing to restore
  const info = activityInfo();
  const owner = leaseOwner();
  const stallThresholdMs = options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS;
  const probe = options.paths?.length ? new TightProbe(options.paths, { stallThresholdMs }) : undefined;
  try {
    const marker = (info.heartbeatDetails ?? {}) as Partial<InjectMarker>;
    const done = marker.dockerInjected;
    if (marker.patroniActed) markInjected({ patroniActed: marker.patroniActed });
    const injected =
      done ??
      (await applyFault(
        fault,
        async (target) => {
          const now = Date.now();
          await recordLease({
            ...owner,
            namespace: info.namespace,
            fault,
            target,
            injectedAt: new Date(now).toISOString(),
            expiresAt: new Date(now + leaseSeconds(fault, options) * 1000).toISOString(),
          });
        },
        options.paths ?? [],
        marker,
      ));
    markInjected({ dockerInjected: injected });
    if (!probe) return injected;
    const record = await watchLanding(probe, fault, stallThresholdMs, injected, done);
    record.paths = groundTruthOf(probe);
    return record;
  } finally {
    probe?.stop();
  }
}

/** Idempotent; verifies the target is back and every path answers a query (the tight probe's word). */
export async function restoreFault(
  fault: Fault,
  paths: string[],
  target?: ResolvedTarget,
  options: RestoreOptions = {},
): Promise<RestoreRecord> {
  const probe = new TightProbe(paths, { stallThresholdMs: options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS });
  try {
    let restored: Omit<RestoreRecord, 'servingAgainAt' | 'paths'>;
    const owner = leaseOwner();
    if (fault.kind === 'rds') {
      restored = await waitRdsAvailable(fault);
    } else if (fault.kind === 'patroni') {
      const { nodeContainerIds, ...record } = await restorePatroniFault(fault);
      restored = record;
      for (const id of nodeContainerIds) await releaseLease(leaseName(owner.workflowId, owner.runId, id));
    } else {
      const resolved = target?.kind === 'docker' ? target : await resolveDockerTarget(fault);
      const restoreRequestedAt = new Date().toISOString();
      restored =
        fault.kind === 'docker'
          ? await restoreDockerFault(fault, resolved)
          : await restoreNetworkFault(resolved, restoreRequestedAt, options.tcpAtInject);
      await releaseLease(leaseName(owner.workflowId, owner.runId, resolved.id));
    }
    const servingAt = await probe.waitFor(
      () => probe.servingSince(),
      SERVING_TIMEOUT_MS,
      beat(`paths ${paths.join(', ')} to answer`),
    );
    if (servingAt === null)
      throw new Error(`paths ${paths.join(', ')} did not answer within ${SERVING_TIMEOUT_MS / 1000} s of the restore`);
    return { ...restored, servingAgainAt: new Date(servingAt).toISOString(), paths: groundTruthOf(probe) };
  } finally {
    probe.stop();
  }
}
