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
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type * as activities from '../activities';
import type { InjectionRecord, ResolvedTarget, RestoreRecord } from '../activities/faults/fault-activities';
import type { SteadyStateCheck } from '../activities/probes/check-steady-state';
import type { PaymentAudit, PaymentWorkloadResult } from '../shared/payment-types';
import { PHASE_QUERY, STATUS_QUERY, type ExperimentPhase } from '../shared/experiment-phases';
import { describeFault, parseExperiment, type ExperimentDefinition } from '../shared/experiment-schema';
import { experimentDetails } from '../shared/experiment-markdown';
import type { ExperimentOutcome, ExperimentResult, ExperimentStatus, FaultCycle, Verdict } from '../shared/experiment-types';
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
/** The audit waits for payments still in flight, up to the definition's timeout. */
const auditOptions = (timeoutSeconds: number): ActivityOptions => ({
  startToCloseTimeout: `${timeoutSeconds + 120} seconds`,
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '2 seconds' },
});
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
  const { stallThresholdMs } = definition.workload;
  const cycles = definition.fault ? (definition.repeat?.times ?? 1) : 0;
  const everyMs = (definition.repeat?.everySeconds ?? 0) * 1000;
  // Each progress signal costs 4 history events: about 20 in all, whatever the length and the
  // number of paths (between every 2 s and every 5 min), keeps a 10-minute experiment under 300.
  const methodSeconds = cycles > 1 ? ((cycles - 1) * everyMs) / 1000 + durations.faultSeconds : durations.faultSeconds;
  const plannedSeconds = durations.warmupSeconds + methodSeconds + durations.recoveryTimeoutSeconds;
  const progressSignalSeconds = Math.min(300, Math.max(2, Math.ceil((plannedSeconds * paths.length) / 20)));
  const hypothesis = { paths, workload: definition.workload, ...steadyState, paymentService: definition.payments !== undefined };
  let before: SteadyStateCheck | undefined;
  let after: SteadyStateCheck | undefined;
  let recoveredAt: string | undefined;
  let injection: InjectionRecord | undefined;
  let restore: RestoreRecord | undefined;
  const cycleRecords: FaultCycle[] = [];
  let injectAttempted = false;
  let recoveryPending = false;
  let resolvedTarget: ResolvedTarget | undefined;
  let workloads: Array<Promise<WorkloadResult>> = [];
  let payments: Promise<PaymentWorkloadResult> | undefined;
  let paymentAudit: PaymentAudit | undefined;
  let cancelled = false;
  let result: ExperimentResult | undefined;

  /** The rollback: puts the target back and verifies it serves; cannot be cancelled. */
  const restoreNow = async (): Promise<void> => {
    const toRestore = definition.fault!;
    enter('restore');
    restore = await CancellationScope.nonCancellable(() =>
      act(FAULT, `Restore ${target} and verify it serves`).restoreFault(toRestore, paths, injection?.target ?? resolvedTarget, { stallThresholdMs }),
    );
    injectAttempted = false;
    const current = cycleRecords.at(-1);
    if (current && !current.restore) current.restore = restore;
  };

  /** Checks the hypothesis until it holds again; when it did, if within the recovery timeout. */
  const awaitRecovery = async (): Promise<string | undefined> => {
    enter('recovery', durations.recoveryTimeoutSeconds * 1000);
    const deadline = Date.now() + durations.recoveryTimeoutSeconds * 1000;
    while (!abort && Date.now() < deadline) {
      const check = await act(STEP, 'Steady-state hypothesis, recovering?').checkSteadyState({
        ...hypothesis,
        windowSeconds: Math.min(steadyState.windowSeconds, 2),
      });
      // Recovery counts only when confirmed within the timeout.
      if (check.holds && Date.now() <= deadline) return check.checkedAt;
    }
    return undefined;
  };

  // --- The method ---------------------------------------------------------------------------
  try {
    enter('setup');
    // Refuses a target that is not opted in, before anything else; what it resolves (networks and
    // aliases included) is what the restore puts back, even if the injection fails half-way.
    if (definition.fault) resolvedTarget = await act(STEP, `Check that ${target} is an opted-in target`).resolveFaultTarget(definition.fault);
    await Promise.all(paths.map((path) => act(STEP, `Set up the business tables on ${path}`).setupSchema(path)));

    enter('steady-state-before', steadyState.windowSeconds * 1000);
    before = await act(STEP, 'Steady-state hypothesis, before').checkSteadyState(hypothesis);

    if (before?.holds && !abort) {
      enter('warmup', durations.warmupSeconds * 1000);
      workloads = paths.map((connection) =>
        act(WORKLOAD, `Business workload on ${connection}`).runWorkload({ connection, settings: definition.workload, followPhases: true, stopConditions: definition.stopConditions, progressSignalSeconds }),
      );
      workloads.forEach((w) => w.catch(() => undefined)); // awaited below; never an unhandled rejection
      if (definition.payments) {
        payments = act(WORKLOAD, `Payments at ${definition.payments.ratePerSecond}/s via ${definition.payments.channels.join(' and ')}`).runPaymentWorkload({ settings: definition.payments, followPhases: true });
        payments.catch(() => undefined);
      }
      await hold(durations.warmupSeconds * 1000);

      if (!abort && !definition.fault) {
        // A baseline: no fault, the workload is measured for the fault's duration.
        enter('measure', durations.faultSeconds * 1000);
        await hold(durations.faultSeconds * 1000);
      }
      const firstInjectAt = Date.now();
      for (let cycle = 1; cycle <= cycles && !abort; cycle++) {
        if (cycle > 1) {
          // The next fault starts `everySeconds` after the previous one (or when recovery ended).
          await hold(firstInjectAt + (cycle - 1) * everyMs - Date.now());
          if (abort) break;
        }
        enter('inject');
        injectAttempted = true;
        const toInject = definition.fault!;
        // The lease's deadline: the fault window, plus the grace the restore gets to come. The
        // activity first lets the workloads see `inject` (they read the phase every 250 ms), so no
        // failure the fault causes is counted in the phase before.
        const deadlineSeconds = PHASE_SETTLE_MS / 1000 + durations.faultSeconds + definition.safety.leaseGraceSeconds;
        injection = await act(FAULT, `Inject ${fault} on ${target}${cycles > 1 ? ` (${cycle} of ${cycles})` : ''}`).injectFault(toInject, { deadlineSeconds, settleMs: PHASE_SETTLE_MS, paths, stallThresholdMs });
        cycleRecords.push({ cycle, injection });
        enter('fault', durations.faultSeconds * 1000);
        await hold(durations.faultSeconds * 1000);
        if (cycle < cycles && !abort) {
          await restoreNow();
          const recovered = await awaitRecovery();
          cycleRecords.at(-1)!.recoveredAt = recovered;
          if (!recovered) break; // the hypothesis failed: no more faults on top of it
        }
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
    if (injectAttempted && definition.fault) {
      await restoreNow();
      recoveryPending = true;
    }
  }

  // --- Recovery and the hypothesis after (not when aborted) ------------------------------------
  await CancellationScope.nonCancellable(async () => {
    if ((injection || (!definition.fault && before?.holds)) && !abort) {
      try {
        if (recoveryPending) cycleRecords.at(-1)!.recoveredAt = await awaitRecovery();
        // Recovered: every fault's steady state came back (the time of the last).
        if (cycleRecords.length > 0 && cycleRecords.every((c) => c.recoveredAt)) recoveredAt = cycleRecords.at(-1)!.recoveredAt;
        if (!abort) {
          enter('steady-state-after', steadyState.windowSeconds * 1000);
          after = await act(STEP, 'Steady-state hypothesis, after').checkSteadyState(hypothesis);
        }
      } catch (err) {
        abort ??= { by: 'failure', reason: errorMessage(err) };
      }
    }

    // --- Report --------------------------------------------------------------------------------
    // The workloads see a phase past the measured ones and hand over their figures.
    enter(definition.payments ? 'audit' : 'report');
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

    const paymentRun = payments
      ? await payments.catch((err: unknown) => {
          const partial = measuredBeforeCancel<PaymentWorkloadResult>(err);
          if (partial) return partial;
          abort ??= { by: 'failure', reason: `payment workload failed: ${errorMessage(err)}` };
          return undefined;
        })
      : undefined;
    if (paymentRun && definition.payments) {
      // The audit runs whatever happened: an aborted experiment must not hide a lost payment.
      try {
        paymentAudit = await act(auditOptions(definition.payments.auditTimeoutSeconds), 'Audit: every acknowledged payment exists exactly once').auditPayments({
          connection: definition.payments.auditConnection,
          orderIdPrefix: paymentRun.orderIdPrefix,
          channels: paymentRun.channels,
          ledger: paymentRun.ledger,
          restoreRequestedAt: restore?.restoreRequestedAt ?? null,
          timeoutSeconds: definition.payments.auditTimeoutSeconds,
        });
      } catch (err) {
        abort ??= { by: 'failure', reason: `payment audit failed: ${errorMessage(err)}` };
      }
    }
    if (phase !== 'report') enter('report');

    const workloadResults = measured.filter((m): m is WorkloadResult => m !== undefined);
    const { verdict, reason } = judge(definition, { abort, before, after, recoveredAt, injected: injection !== undefined, payments: paymentRun, audit: paymentAudit, workloads: workloadResults });
    const outcome: ExperimentOutcome = {
      experimentId: workflowId,
      definition,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      verdict,
      verdictReason: reason,
      ...(abort ? { abort } : {}),
      ...(cycleRecords[0] ? { injection: cycleRecords[0].injection } : {}),
      ...(cycleRecords.length > 0 ? { cycles: cycleRecords } : {}),
      ...(restore ? { restore: cycleRecords[0]?.restore ?? restore } : {}),
      ...(before ? { steadyStateBefore: before } : {}),
      ...(after ? { steadyStateAfter: after } : {}),
      ...(recoveredAt ? { recoveredAt } : {}),
      workloads: workloadResults,
      ...(paymentRun ? { payments: { workload: withoutLedger(paymentRun), ...(paymentAudit ? { audit: paymentAudit } : {}) } } : {}),
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
  facts: {
    abort: ExperimentOutcome['abort'];
    before?: SteadyStateCheck;
    after?: SteadyStateCheck;
    recoveredAt?: string;
    injected: boolean;
    payments?: PaymentWorkloadResult;
    audit?: PaymentAudit;
    workloads: WorkloadResult[];
  },
): { verdict: Verdict; reason: string } {
  const failing = (check?: SteadyStateCheck) => check?.paths.filter((p) => !p.holds).map((p) => `${p.path}: ${p.reason}`).join('; ');
  if (facts.abort) return { verdict: 'aborted', reason: `${facts.abort.by}: ${facts.abort.reason}` };
  const audit = facts.audit;
  if (audit && !audit.holds) {
    return { verdict: 'violated', reason: `payment audit: ${audit.lost} lost, ${audit.duplicated} duplicated, ${audit.wrongAmount} wrong amount, ${audit.stillPending} still pending of ${audit.acknowledged} acknowledged` };
  }
  const misbehaved = unexpectedAnswers(facts.payments);
  if (misbehaved) return { verdict: 'violated', reason: `the payment service ${misbehaved}` };
  if (facts.before && !facts.before.holds) return { verdict: 'not-run', reason: `steady state did not hold before injecting (${failing(facts.before)}); nothing was injected` };
  if (!definition.fault) {
    if (facts.after && !facts.after.holds) return { verdict: 'violated', reason: `steady state at the end does not hold (${failing(facts.after)})` };
    return { verdict: 'held', reason: `baseline without a fault: the steady state held before and after${audit ? `; all ${audit.acknowledged} acknowledged payments accounted for` : ''}` };
  }
  if (!facts.injected) return { verdict: 'not-run', reason: 'the fault was not injected' };
  if (!facts.recoveredAt) return { verdict: 'violated', reason: `steady state did not return within the recovery timeout of ${definition.durations.recoveryTimeoutSeconds} s` };
  const stillDown = facts.workloads.filter((w) => w.downtime.openAtEnd);
  if (stillDown.length) {
    const since = (w: WorkloadResult) => w.downtime.windows.find((x) => x.end === null)?.start ?? '?';
    return { verdict: 'violated', reason: `not recovered: ${stillDown.map((w) => `${w.connection} unavailable since ${since(w)} and still down when the measurement ended`).join('; ')}` };
  }
  if (facts.after && !facts.after.holds) return { verdict: 'violated', reason: `steady state after the fault does not hold (${failing(facts.after)})` };
  return {
    verdict: 'held',
    reason: `the steady state held before, and returned after the fault within the recovery timeout${audit ? `; all ${audit.acknowledged} acknowledged payments accounted for` : ''}`,
  };
}

/** A service under a database outage answers 503; a 500 or no answer at all is a defect. */
function unexpectedAnswers(payments?: PaymentWorkloadResult): string | undefined {
  if (!payments) return undefined;
  let errors = 0;
  let hangs = 0;
  for (const p of payments.phases) {
    if (p.channel !== 'http') continue;
    for (const call of [p.create, p.confirm]) {
      for (const [outcome, count] of Object.entries(call.outcomes)) {
        if (/^5\d\d$/.test(outcome) && outcome !== '503') errors += count;
        if (outcome === 'timeout') hangs += count;
      }
    }
  }
  const parts = [errors ? `answered ${errors} call(s) with a 5xx other than 503` : '', hangs ? `left ${hangs} call(s) without an answer (timeout)` : ''].filter(Boolean);
  return parts.length ? parts.join(' and ') : undefined;
}

/** The ledger is for the audit; the report keeps the figures. */
function withoutLedger({ ledger: _ledger, ...rest }: PaymentWorkloadResult): Omit<PaymentWorkloadResult, 'ledger'> {
  return rest;
}
