/** The fault activities the experiment calls, whatever the fault's kind: resolve, inject, restore. */
import { activityInfo } from '@temporalio/activity';
import { databaseAnswers } from '../../lab/docker-stack';
import type { Fault } from '../../shared/experiment-schema';
import { injectDockerFault, resolveDockerTarget, restoreDockerFault, waitFor, type ResolvedDockerTarget } from './docker-fault';
import { leaseName, recordLease, releaseLease } from './fault-lease';
import { injectRdsFault, resolveRdsTarget, waitRdsAvailable, type RdsInjection, type ResolvedRdsTarget } from './rds-fault';

export type ResolvedTarget = ResolvedDockerTarget | ResolvedRdsTarget;

export interface InjectionRecord {
  target: ResolvedTarget;
  injectRequestedAt: string;
  /** When the target was seen down (a failover: when the writer changed). */
  targetDownAt: string | null;
  rds?: RdsInjection;
}

export interface RestoreRecord {
  restoreRequestedAt: string;
  /** What the restore did: start, unpause, network-connect, wait-available, or none. */
  action: string;
  targetRunningAt: string;
  /** When every path answered a query again. */
  servingAgainAt: string;
}

/** The workflow run that owns a lease (an activity run on its own owns one by its activity id). */
function leaseOwner(): { workflowId: string; runId: string } {
  const info = activityInfo();
  return info.workflowExecution ?? { workflowId: `activity-${info.activityId}`, runId: '-' };
}

/** Resolves and checks the target without touching it: refuses anything not opted in. */
export async function resolveFaultTarget(fault: Fault): Promise<ResolvedTarget> {
  return fault.kind === 'rds' ? await resolveRdsTarget(fault) : await resolveDockerTarget(fault);
}

export interface InjectOptions {
  /**
   * Seconds from now by which the fault must be over whatever happens to the workflow: a Docker
   * fault gets a lease that the watchdog of any faultline worker enforces (dead man's switch).
   */
  deadlineSeconds?: number;
  /** Wait this long first (so the workloads see the `inject` phase before the fault lands). */
  settleMs?: number;
}

/** Without a deadline from the workflow, a fault still never outlives this. */
const DEFAULT_DEADLINE_SECONDS = 3600;

export async function injectFault(fault: Fault, options: InjectOptions = {}): Promise<InjectionRecord> {
  if (options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  if (fault.kind === 'rds') return await injectRdsFault(fault); // a failover leaves nothing to restore
  const info = activityInfo();
  const owner = leaseOwner();
  return await injectDockerFault(fault, async (target) => {
    const now = Date.now();
    await recordLease({
      ...owner,
      namespace: info.namespace,
      fault,
      target,
      injectedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + (options.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS) * 1000).toISOString(),
    });
  });
}

/** Idempotent; verifies the target is back and every path answers a query. */
export async function restoreFault(fault: Fault, paths: string[], target?: ResolvedTarget): Promise<RestoreRecord> {
  let restored;
  if (fault.kind === 'rds') {
    restored = await waitRdsAvailable(fault);
  } else {
    const resolved = target?.kind === 'docker' ? target : await resolveDockerTarget(fault);
    restored = await restoreDockerFault(fault, resolved);
    const owner = leaseOwner();
    await releaseLease(leaseName(owner.workflowId, owner.runId, resolved.id));
  }
  await waitFor(`paths ${paths.join(', ')} to answer`, async () => (await Promise.all(paths.map((p) => databaseAnswers(p, 1000)))).every(Boolean), 180_000);
  return { ...restored, servingAgainAt: new Date().toISOString() };
}
