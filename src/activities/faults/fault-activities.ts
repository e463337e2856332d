/** The fault activities the experiment calls: inject, and the restore that always runs. */
import type { Fault } from '../../shared/experiment-schema';
import { injectDockerFault, resolveDockerTarget, restoreDockerFault, type InjectionRecord, type ResolvedDockerTarget, type RestoreRecord } from './docker-fault';

export type { InjectionRecord, RestoreRecord, ResolvedDockerTarget };

/** Resolves and checks the target without touching it (dry runs, and before injecting). */
export async function resolveFaultTarget(fault: Fault): Promise<ResolvedDockerTarget> {
  return await resolveDockerTarget(fault);
}

export async function injectFault(fault: Fault): Promise<InjectionRecord> {
  return await injectDockerFault(fault);
}

export async function restoreFault(fault: Fault, paths: string[], target?: ResolvedDockerTarget): Promise<RestoreRecord> {
  return await restoreDockerFault(fault, paths, target);
}
