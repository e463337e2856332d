/** The fault activities the experiment calls, whatever the fault's kind: resolve, inject, restore. */
import { databaseAnswers } from '../../lab/docker-stack';
import type { Fault } from '../../shared/experiment-schema';
import { injectDockerFault, resolveDockerTarget, restoreDockerFault, waitFor, type ResolvedDockerTarget } from './docker-fault';
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

/** Resolves and checks the target without touching it: refuses anything not opted in. */
export async function resolveFaultTarget(fault: Fault): Promise<ResolvedTarget> {
  return fault.kind === 'rds' ? await resolveRdsTarget(fault) : await resolveDockerTarget(fault);
}

export async function injectFault(fault: Fault): Promise<InjectionRecord> {
  return fault.kind === 'rds' ? await injectRdsFault(fault) : await injectDockerFault(fault);
}

/** Idempotent; verifies the target is back and every path answers a query. */
export async function restoreFault(fault: Fault, paths: string[], target?: ResolvedTarget): Promise<RestoreRecord> {
  const restored =
    fault.kind === 'rds' ? await waitRdsAvailable(fault) : await restoreDockerFault(fault, target?.kind === 'docker' ? target : undefined);
  await waitFor(`paths ${paths.join(', ')} to answer`, async () => (await Promise.all(paths.map((p) => databaseAnswers(p, 1000)))).every(Boolean), 180_000);
  return { ...restored, servingAgainAt: new Date().toISOString() };
}
