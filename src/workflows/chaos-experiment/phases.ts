/** Moving through the experiment's phases: what the queries, the Web UI and the search attributes see. */
import { condition, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { ExperimentPhase } from '../../shared/experiment-phases';
import { experimentDetails } from '../../shared/experiment-markdown';
import {
  abortSignal,
  phaseLogQuery,
  phaseQuery,
  progressSignal,
  searchAttributes,
  statusQuery,
} from '../../shared/experiment-contract';
import type { ExperimentState } from './state';
import { liveByPath, liveKey } from '../../shared/live-progress';
import { upsert } from './search-attributes-step';

export function enter(s: ExperimentState, next: ExperimentPhase, durationMs?: number): void {
  s.phase = next;
  s.phaseLog.push({ phase: next, at: Date.now() });
  s.phaseEndsAt = durationMs !== undefined ? Date.now() + durationMs : null;
  upsert(s, [{ key: searchAttributes.phase, value: next }]);
  const elapsed = Math.round((Date.now() - s.startedAt.getTime()) / 1000);
  setCurrentDetails(
    `**Phase** \`${next}\`${durationMs !== undefined ? ` (${Math.round(durationMs / 1000)} s)` : ''} at ${elapsed} s${s.run > 1 ? ` (run ${s.run})` : ''}\n\n${experimentDetails(s.definition)}`,
  );
}

/** Sleeps for the phase, or less if the experiment is aborted. */
export async function hold(s: ExperimentState, ms: number): Promise<void> {
  if (ms > 0) await condition(() => s.abort !== undefined, ms);
}

export function installHandlers(s: ExperimentState, workflowId: string): void {
  setHandler(abortSignal, (reason) => {
    s.abort ??= { by: 'signal', reason: reason?.trim() || 'aborted by signal' };
  });
  setHandler(progressSignal, (progress) => {
    s.live.set(liveKey(progress), progress);
  });
  setHandler(phaseQuery, () => s.phase);
  setHandler(phaseLogQuery, () => s.phaseLog);
  setHandler(statusQuery, () => ({
    experimentId: workflowId,
    name: s.definition.name,
    phase: s.phase,
    startedAt: s.startedAt.toISOString(),
    elapsedMs: Date.now() - s.startedAt.getTime(),
    phaseRemainingMs: s.phaseEndsAt === null ? null : Math.max(0, s.phaseEndsAt - Date.now()),
    phaseEndsAt: s.phaseEndsAt === null ? null : new Date(s.phaseEndsAt).toISOString(),
    aborted: s.abort !== undefined,
    ...(s.abort ? { abortReason: s.abort.reason } : {}),
    workloads: liveByPath([...s.live.values()]),
  }));
}

/** What the experiment does to what, for the Web UI's filters: once the server's attributes are known. */
export function upsertFaultAndTarget(s: ExperimentState): void {
  upsert(s, [
    { key: searchAttributes.fault, value: s.fault },
    { key: searchAttributes.target, value: s.target },
  ]);
}
