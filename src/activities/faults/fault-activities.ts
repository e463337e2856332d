/** The fault activities the experiment calls, whatever the fault's kind: resolve, inject, restore. */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { dockerEndpoint, dockerIsUp } from '../../platform/docker';
import { beatWaiting, markInjected } from './heartbeat-marker';
import type { Fault } from '../../shared/experiment-schema';
import { TightProbe } from '../probes/tight-probe';
import { leaseName, recordLease, releaseLease } from './fault-lease';
import type { InjectMarker, Injected } from './fault-kind';
import { kindOf } from './fault-kinds';
import { isLeasedFault } from './leased-fault';
import type {
  InjectionRecord,
  PathGroundTruth,
  ResolvedTarget,
  RestoreRecord,
  TcpReading,
} from '../../shared/fault-types';

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
function groundTruthOf(probe: TightProbe): Record<string, PathGroundTruth> {
  return Object.fromEntries(
    Object.entries(probe.perPath()).map(([path, t]) => [
      path,
      {
        downAt: iso(t.downAt),
        servingAgainAt: iso(t.servingAt),
        downMs: Math.round(t.downMs),
        ...(t.open ? { downSince: iso(t.open.since), downBeforeMs: Math.round(t.open.earlierMs) } : {}),
        timings: t.timings,
        ...(t.routed ? { routed: { ...t.routed, at: new Date(t.routed.at).toISOString() } } : {}),
      },
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
  const kind = kindOf(fault);
  if (kind.needsDocker && !(await dockerIsUp()))
    throw ApplicationFailure.nonRetryable(
      `this worker reaches no Docker engine (${dockerEndpoint()}): a ${fault.kind} fault needs a worker with the ` +
        'Docker socket mounted (docs/worker-image.md); nothing was touched',
      'TargetRefused',
    );
  return await kind.resolve(fault);
}

/** Faults after which the target serves again by itself: the probe waits for that in the inject. */
const healsByItself = (fault: Fault) => kindOf(fault).healsByItself(fault);

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
/**
 * Loss and latency degrade a target rather than take it down: its paths flicker, and a watch that
 * waited for all of them to be down at once would stop at whichever moment that happened.
 */
const degrades = (fault: Fault): boolean =>
  fault.kind === 'network' && (fault.action === 'loss' || fault.action === 'latency');
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
  const grace = kindOf(fault).actionSeconds(fault);
  const probeMs = options.paths?.length ? 2 * stallMs + SEE_DOWN_EXTRA_MS + OTHER_PATHS_EXTRA_MS : 0;
  const healMs = healsByItself(fault) ? SERVING_TIMEOUT_MS : 0;
  return (options.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS) + grace + Math.ceil((probeMs + healMs) / 1000);
}

/**
 * What the ground-truth probe sees of the fault landing: when it went down, on every path, and for
 * a self-healing fault when it served again.
 */
async function watchLanding(
  probe: TightProbe,
  fault: Fault,
  stallThresholdMs: number,
  injected: Injected,
  done: Injected | undefined,
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
      () => ((degrades(fault) ? probe.everyPathSeenDown() : probe.everyPathDown()) ? Date.now() : null),
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
  const kind = kindOf(fault);
  // A fault with nothing to undo (an Aurora failover) takes no lease, but its paths still get their
  // ground truth from the probe: without it, "down" would run to the restore's check.
  const leased = isLeasedFault(fault);
  if (!leased && !options.paths?.length)
    return await kind.inject(fault, { beforeAction: async () => {}, acted: () => {}, paths: [], resume: {} });
  const info = activityInfo();
  const owner = leaseOwner();
  const stallThresholdMs = options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS;
  const probe = options.paths?.length ? new TightProbe(options.paths, { stallThresholdMs }) : undefined;
  // The probe times the fault's attempts from the action on (a kind says when; otherwise the inject's end).
  const timeFromNow = () => probe?.timeFrom(Date.now());
  try {
    const marker = (info.heartbeatDetails ?? {}) as Partial<InjectMarker>;
    const done = marker.dockerInjected;
    if (marker.patroniActed) markInjected({ patroniActed: marker.patroniActed });
    const injected =
      done ??
      (await kind.inject(fault, {
        beforeAction: async (target) => {
          if (!leased) return;
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
        acted: timeFromNow,
        paths: options.paths ?? [],
        resume: marker,
      }));
    markInjected({ dockerInjected: injected });
    if (!probe) return injected;
    timeFromNow();
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
    const owner = leaseOwner();
    const { restored, leasedContainers } = await kindOf(fault).restore(fault, {
      ...(target ? { target } : {}),
      ...(options.tcpAtInject ? { tcpAtInject: options.tcpAtInject } : {}),
    });
    for (const id of leasedContainers) await releaseLease(leaseName(owner.workflowId, owner.runId, id));
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
