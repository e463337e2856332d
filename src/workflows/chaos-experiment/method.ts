/**
 * The method (Chaos Toolkit's word): inject the fault, hold it, and the rollback that puts the target
 * back whatever happened; then recovery, until the steady-state hypothesis holds again.
 */
import { CancellationScope } from '@temporalio/workflow';
import { act, FAULT, STEP } from './activity-options';
import { enter, hold } from './phases';
import { currentCycle, recordInjection, recordRestore, type ExperimentState } from './state';
import { injectWaitSeconds } from '../../shared/fault-kind-facts';

/** Longer than the workloads' phase poll (250 ms): they see `inject` before the fault lands. */
const PHASE_SETTLE_MS = 500;

export function hypothesis(s: ExperimentState) {
  const { paths, workload, steadyState, payments, http } = s.definition;
  return {
    paths,
    workload,
    ...steadyState,
    paymentService: payments !== undefined,
    ...(http?.health ? { http: { targets: http.targets, health: http.health } } : {}),
  };
}

/** Injects the next fault and holds it for the fault window. */
export async function injectAndHold(s: ExperimentState): Promise<void> {
  const d = s.definition;
  const cycle = s.cycles.length + 1;
  const of = d.repeat && d.repeat.times > 1 ? ` (${cycle} of ${d.repeat.times})` : '';
  enter(s, 'inject');
  s.faultOn = true;
  s.injectAskedAt = Date.now();
  // The lease's deadline: the fault window plus the grace the restore gets to come (a Patroni inject
  // also waits for the election and the promotion, each up to electionTimeoutSeconds).
  const deadlineSeconds =
    PHASE_SETTLE_MS / 1000 + injectWaitSeconds(d.fault!) + d.durations.faultSeconds + d.safety.leaseGraceSeconds;
  const injection = await act(FAULT, `Inject ${s.fault} on ${s.target}${of}`).injectFault(d.fault!, {
    deadlineSeconds,
    settleMs: PHASE_SETTLE_MS,
    paths: d.paths,
    stallThresholdMs: d.workload.stallThresholdMs,
  });
  recordInjection(s, injection);
  s.injectAskedAt = undefined;
  enter(s, 'fault', d.durations.faultSeconds * 1000);
  await hold(s, d.durations.faultSeconds * 1000);
}

/** The rollback: puts the target back and verifies it serves; cannot be cancelled. */
export async function rollBack(s: ExperimentState): Promise<void> {
  if (!s.faultOn || !s.definition.fault) return;
  const fault = s.definition.fault;
  if (s.injectAskedAt !== undefined && s.resolvedTarget) {
    // Cancelled or failed while the inject ran: the cycle is on record all the same, and restored.
    recordInjection(s, {
      target: s.resolvedTarget,
      injectRequestedAt: new Date(s.injectAskedAt).toISOString(),
      targetDownAt: null,
      interrupted: true,
    });
    s.injectAskedAt = undefined;
  }
  enter(s, 'restore');
  const restore = await CancellationScope.nonCancellable(() =>
    act(FAULT, `Restore ${s.target} and verify it serves`).restoreFault(
      fault,
      s.definition.paths,
      currentCycle(s)?.injection.target ?? s.resolvedTarget,
      {
        stallThresholdMs: s.definition.workload.stallThresholdMs,
        // A network fault's restore counts what the target's TCP did from the inject's reading.
        ...(currentCycle(s)?.injection.tcp ? { tcpAtInject: currentCycle(s)!.injection.tcp } : {}),
      },
    ),
  );
  s.faultOn = false;
  s.recoveryPending = true;
  recordRestore(s, restore);
}

/** Checks the hypothesis until it holds again: when it did, if within the recovery timeout. */
export async function awaitRecovery(s: ExperimentState): Promise<string | undefined> {
  const timeoutMs = s.definition.durations.recoveryTimeoutSeconds * 1000;
  enter(s, 'recovery', timeoutMs);
  const deadline = Date.now() + timeoutMs;
  let recoveredAt: string | undefined;
  while (!s.abort && Date.now() < deadline) {
    const check = await act(STEP, 'Steady-state hypothesis, recovering?').checkSteadyState({
      ...hypothesis(s),
      windowSeconds: Math.min(s.definition.steadyState.windowSeconds, 2),
    });
    // Recovery counts only when confirmed within the timeout.
    if (check.holds && Date.now() <= deadline) {
      recoveredAt = check.checkedAt;
      break;
    }
  }
  s.recoveryPending = false;
  const cycle = currentCycle(s);
  if (cycle) cycle.recoveredAt = recoveredAt;
  return recoveredAt;
}

/**
 * One fault of the experiment: wait for its time (repeated faults are `everySeconds` apart), inject,
 * hold, restore, recover. Returns false when the experiment must not go on.
 */
export async function faultCycle(s: ExperimentState): Promise<boolean> {
  const d = s.definition;
  const index = s.cycles.length; // 0-based: this many faults are behind us
  if (index > 0) await hold(s, s.firstInjectAt! + index * (d.repeat?.everySeconds ?? 0) * 1000 - Date.now());
  if (s.abort) return false;
  s.firstInjectAt ??= Date.now();
  await injectAndHold(s);
  const last = index + 1 === (d.repeat?.times ?? 1);
  if (last || s.abort) return false; // the last fault's rollback and recovery come after the method
  await rollBack(s);
  return (await awaitRecovery(s)) !== undefined; // the hypothesis failed: no more faults on top of it
}
