/**
 * chaosExperiment: one durable experiment, from setup to report.
 *
 *   setup -> steady state before (if it does not hold: end, nothing injected) -> warmup -> inject
 *   -> hold the fault -> restore (always, non-cancellable) -> recovery (until the steady state
 *   holds again, or the timeout) -> steady state after -> report
 *
 * The workload runs on every path from warmup to the end of the steady-state check after, and
 * tags its measurements with the phase it reads from the `phase` query. The `abort` signal, a
 * stop condition, a failure or a cancellation all end the method early, and the restore runs
 * in every one of those cases.
 */
import {
  ActivityCancellationType,
  type ActivityOptions,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type * as activities from '../activities';
import type { InjectionRecord, ResolvedTarget, RestoreRecord } from '../activities/faults/fault-activities';
import type { SteadyStateCheck } from '../activities/probes/check-steady-state';
import { PHASE_QUERY, STATUS_QUERY, type ExperimentPhase } from '../shared/experiment-phases';
import { describeFault, parseExperiment, type ExperimentDefinition } from '../shared/experiment-schema';
import { experimentDetails } from '../shared/experiment-markdown';
import type { ExperimentOutcome, ExperimentResult, ExperimentStatus, Verdict } from '../shared/experiment-types';
import type { WorkloadProgress, WorkloadResult } from '../shared/workload-types';
import { measuredBeforeCancel } from './measure-workload';

export const abortSignal = defineSignal<[reason?: string]>('abort');
export const progressSignal = defineSignal<[WorkloadProgress]>('progress');
export const phaseQuery = defineQuery<ExperimentPhase>(PHASE_QUERY);
export const statusQuery = defineQuery<ExperimentStatus>(STATUS_QUERY);

const STEP: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
};
const FAULT: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  // The restore must get there: retry it patiently; a refused target is final.
  retry: { maximumAttempts: 20, initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: ['TargetRefused'] },
};
const WORKLOAD: ActivityOptions = {
  startToCloseTimeout: '24 hours',
  // A worker that dies takes its workloads with it: the heartbeat timeout notices, and a retry on
  // another (or the restarted) worker measures on from there.
  heartbeatTimeout: '15 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 5, initialInterval: '1 second', nonRetryableErrorTypes: ['InvalidSettingsError', 'UnknownConnection'] },
};

/** Activities with a one-line summary the Web UI shows next to each of them. */
const act = (options: ActivityOptions, summary: string) => proxyActivities<typeof activities>({ ...options, summary });

const SA = {
  phase: defineSearchAttributeKey('FaultlinePhase', SearchAttributeType.KEYWORD),
  fault: defineSearchAttributeKey('FaultlineFault', SearchAttributeType.KEYWORD),
  target: defineSearchAttributeKey('FaultlineTarget', SearchAttributeType.KEYWORD),
  verdict: defineSearchAttributeKey('FaultlineVerdict', SearchAttributeType.KEYWORD),
  downtime: defineSearchAttributeKey('FaultlineDowntimeMs', SearchAttributeType.INT),
};

/** Longer than the workloads' phase poll (250 ms). */
const PHASE_SETTLE_MS = 500;

const errorMessage = (err: unknown): string => (err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err));

export async function chaosExperiment(input: unknown): Promise<ExperimentResult> {
  let definition: ExperimentDefinition;
  try {
    definition = parseExperiment(input);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(errorMessage(err), 'InvalidExperiment');
  }
  const { workflowId } = workflowInfo();
  const { fault, target } = describeFault(definition.fault);
  const startedAt = new Date();

  // --- State, queries, signals ----------------------------------------------------------------
  let phase: ExperimentPhase = 'validating';
  let phaseEndsAt: number | null = null;
  let abort: ExperimentOutcome['abort'];
  const details = experimentDetails(definition);
  const enter = (next: ExperimentPhase, durationMs?: number) => {
    phase = next;
    phaseEndsAt = durationMs !== undefined ? Date.now() + durationMs : null;
    upsertSearchAttributes([{ key: SA.phase, value: next }]);
    const elapsed = Math.round((Date.now() - startedAt.getTime()) / 1000);
    setCurrentDetails(`**Phase** \`${next}\`${durationMs !== undefined ? ` (${Math.round(durationMs / 1000)} s)` : ''} at ${elapsed} s\n\n${details}`);
  };
  setHandler(abortSignal, (reason) => {
    abort ??= { by: 'signal', reason: reason?.trim() || 'aborted by signal' };
  });
  const live = new Map<string, WorkloadProgress>();
  setHandler(progressSignal, (progress) => {
    live.set(progress.connection, progress);
  });
  setHandler(phaseQuery, () => phase);
  setHandler(statusQuery, () => ({
    experimentId: workflowId,
    name: definition.name,
    phase,
    startedAt: startedAt.toISOString(),
    elapsedMs: Date.now() - startedAt.getTime(),
    phaseRemainingMs: phaseEndsAt === null ? null : Math.max(0, phaseEndsAt - Date.now()),
    phaseEndsAt: phaseEndsAt === null ? null : new Date(phaseEndsAt).toISOString(),
    aborted: abort !== undefined,
    ...(abort ? { abortReason: abort.reason } : {}),
    workloads: [...live.values()],
  }));
  upsertSearchAttributes([
    { key: SA.fault, value: fault },
    { key: SA.target, value: target },
  ]);
  /** Sleeps for the phase, or less if the experiment is aborted. */
  const hold = (ms: number) => condition(() => abort !== undefined, ms);

  const { paths, durations, steadyState } = definition;
  // Each progress signal costs 4 history events: about 20 in all, whatever the length and the
  // number of paths (between every 2 s and every 5 min), keeps a 10-minute experiment under 300.
  const plannedSeconds = durations.warmupSeconds + durations.faultSeconds + durations.recoveryTimeoutSeconds;
  const progressSignalSeconds = Math.min(300, Math.max(2, Math.ceil((plannedSeconds * paths.length) / 20)));
  const hypothesis = { paths, workload: definition.workload, ...steadyState };
  let before: SteadyStateCheck | undefined;
  let after: SteadyStateCheck | undefined;
  let recoveredAt: string | undefined;
  let injection: InjectionRecord | undefined;
  let restore: RestoreRecord | undefined;
  let injectAttempted = false;
  let resolvedTarget: ResolvedTarget | undefined;
  let workloads: Array<Promise<WorkloadResult>> = [];
  let cancelled = false;
  let result: ExperimentResult | undefined;

  // --- The method ---------------------------------------------------------------------------
  try {
    enter('setup');
    // Refuses a target that is not opted in, before anything else; what it resolves (networks and
    // aliases included) is what the restore puts back, even if the injection fails half-way.
    resolvedTarget = await act(STEP, `Check that ${target} is an opted-in target`).resolveFaultTarget(definition.fault);
    await Promise.all(paths.map((path) => act(STEP, `Set up the business tables on ${path}`).setupSchema(path)));

    enter('steady-state-before', steadyState.windowSeconds * 1000);
    before = await act(STEP, 'Steady-state hypothesis, before').checkSteadyState(hypothesis);

    if (before?.holds && !abort) {
      enter('warmup', durations.warmupSeconds * 1000);
      workloads = paths.map((connection) =>
        act(WORKLOAD, `Business workload on ${connection}`).runWorkload({ connection, settings: definition.workload, followPhases: true, stopConditions: definition.stopConditions, progressSignalSeconds }),
      );
      workloads.forEach((w) => w.catch(() => undefined)); // awaited below; never an unhandled rejection
      await hold(durations.warmupSeconds * 1000);

      if (!abort) {
        enter('inject');
        // The workloads read the phase every 250 ms: let them see `inject` before the fault lands,
        // so no failure caused by the fault is counted in warmup.
        await sleep(PHASE_SETTLE_MS);
        injectAttempted = true;
        injection = await act(FAULT, `Inject ${fault} on ${target}`).injectFault(definition.fault);
        enter('fault', durations.faultSeconds * 1000);
        await hold(durations.faultSeconds * 1000);
      }
    }
  } catch (err) {
    if (isCancellation(err)) {
      cancelled = true;
      abort ??= { by: 'cancel', reason: 'workflow cancelled' };
    } else {
      abort ??= { by: 'failure', reason: errorMessage(err) };
    }
  } finally {
    // --- The rollback: runs whatever happened above, and cannot be cancelled --------------------
    if (injectAttempted) {
      enter('restore');
      restore = await CancellationScope.nonCancellable(() =>
        act(FAULT, `Restore ${target} and verify it serves`).restoreFault(definition.fault, paths, injection?.target ?? resolvedTarget),
      );
    }
  }

  // --- Recovery and the hypothesis after (not when aborted) ------------------------------------
  await CancellationScope.nonCancellable(async () => {
    if (injection && !abort) {
      try {
        enter('recovery', durations.recoveryTimeoutSeconds * 1000);
        const deadline = Date.now() + durations.recoveryTimeoutSeconds * 1000;
        while (!abort && Date.now() < deadline) {
          const check = await act(STEP, 'Steady-state hypothesis, recovering?').checkSteadyState({
            ...hypothesis,
            windowSeconds: Math.min(steadyState.windowSeconds, 2),
          });
          // Recovery counts only when confirmed within the timeout.
          if (check.holds && Date.now() <= deadline) {
            recoveredAt = check.checkedAt;
            break;
          }
        }
        if (!abort) {
          enter('steady-state-after', steadyState.windowSeconds * 1000);
          after = await act(STEP, 'Steady-state hypothesis, after').checkSteadyState(hypothesis);
        }
      } catch (err) {
        abort ??= { by: 'failure', reason: errorMessage(err) };
      }
    }

    // --- Report --------------------------------------------------------------------------------
    enter('report'); // the workloads see this phase and hand over their figures
    const measured = await Promise.all(
      workloads.map((w) =>
        w.catch((err: unknown) => {
          const partial = measuredBeforeCancel(err);
          if (partial) return partial;
          abort ??= { by: 'failure', reason: `workload failed: ${errorMessage(err)}` };
          return undefined;
        }),
      ),
    );

    const { verdict, reason } = judge(definition, { abort, before, after, recoveredAt, injected: injection !== undefined });
    const outcome: ExperimentOutcome = {
      experimentId: workflowId,
      definition,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      verdict,
      verdictReason: reason,
      ...(abort ? { abort } : {}),
      ...(injection ? { injection } : {}),
      ...(restore ? { restore } : {}),
      ...(before ? { steadyStateBefore: before } : {}),
      ...(after ? { steadyStateAfter: after } : {}),
      ...(recoveredAt ? { recoveredAt } : {}),
      workloads: measured.filter((m): m is WorkloadResult => m !== undefined),
    };
    const written = await act(STEP, 'Write the report (JSON, HTML, console)').writeReport(outcome);
    const downtimeMs = Object.fromEntries(outcome.workloads.map((w) => [w.connection, w.downtime.totalMs]));
    upsertSearchAttributes([
      { key: SA.verdict, value: verdict },
      { key: SA.downtime, value: Math.max(0, ...Object.values(downtimeMs)) },
    ]);
    enter('done');
    setCurrentDetails(`**Verdict** \`${verdict}\`: ${reason}\n\n**Downtime** ${Object.entries(downtimeMs).map(([p, ms]) => `${p} ${ms} ms`).join(', ')}\n\n${details}`);
    result = { experimentId: workflowId, verdict, verdictReason: reason, report: written.files, downtimeMs, summary: written.summary };
  });

  if (cancelled) throw ApplicationFailure.nonRetryable(`experiment cancelled; report: ${result!.report.json}`, 'ExperimentCancelled');
  return result!;
}

/** Held, violated, aborted, or not run, and why. */
function judge(
  definition: ExperimentDefinition,
  facts: { abort: ExperimentOutcome['abort']; before?: SteadyStateCheck; after?: SteadyStateCheck; recoveredAt?: string; injected: boolean },
): { verdict: Verdict; reason: string } {
  const failing = (check?: SteadyStateCheck) => check?.paths.filter((p) => !p.holds).map((p) => `${p.path}: ${p.reason}`).join('; ');
  if (facts.abort) return { verdict: 'aborted', reason: `${facts.abort.by}: ${facts.abort.reason}` };
  if (facts.before && !facts.before.holds) return { verdict: 'not-run', reason: `steady state did not hold before injecting (${failing(facts.before)}); nothing was injected` };
  if (!facts.injected) return { verdict: 'not-run', reason: 'the fault was not injected' };
  if (!facts.recoveredAt) return { verdict: 'violated', reason: `steady state did not return within the recovery timeout of ${definition.durations.recoveryTimeoutSeconds} s` };
  if (facts.after && !facts.after.holds) return { verdict: 'violated', reason: `steady state after the fault does not hold (${failing(facts.after)})` };
  return { verdict: 'held', reason: 'the steady state held before, and returned after the fault within the recovery timeout' };
}
