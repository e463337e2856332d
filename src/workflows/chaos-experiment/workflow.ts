/**
 * chaosExperiment: one durable experiment, from setup to report.
 *
 *   setup -> steady state before (if it does not hold: end, nothing injected) -> warmup -> the method:
 *   inject -> hold the fault -> rollback (always, non-cancellable) -> recovery, once or `repeat.times`
 *   -> steady state after -> report
 *
 * The workloads measure every path from the warmup to the end. The `abort` signal, a stop condition,
 * a failure or a cancellation all end the method early, and the rollback runs in every one of those
 * cases. An experiment with many repeated faults continues as new every `repeat.cyclesPerRun` faults
 * (after a fault has recovered), its measurement taken up by the next run, so its history stays small.
 */
import { ApplicationFailure, ContinueAsNew, continueAsNew, isCancellation, workflowInfo } from '@temporalio/workflow';
import { parseExperiment, type ExperimentDefinition } from '../../shared/experiment-schema';
import type { ExperimentResult } from '../../shared/experiment-types';
import { act, STEP } from './activity-options';
import { conclude } from './conclusion';
import { filesOf, measurementsOf, startMeasurement } from './measurement';
import { faultCycle, hypothesis, rollBack } from './method';
import { enter, hold, installHandlers, upsertFaultAndTarget } from './phases';
import { lockTarget, unlockTarget } from './target-lock-step';
import { carry, newState, type Carried, type ExperimentState } from './state';
import { errorText, refusedAs } from '../error-text';
import { withinConnectionBudget } from './connection-budget-step';
import { enoughShardWorkers, everyShardMeasuring } from './shard-check';
import { learnSearchAttributes } from './search-attributes-step';

function validated(input: unknown): ExperimentDefinition {
  try {
    return parseExperiment(input);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(errorText(err), 'InvalidExperiment');
  }
}

/**
 * Each path's tables, or its custom operations planned; false (`s.refused` says why) when the
 * worker refuses custom statements on a path (FAULTLINE_CUSTOM_SQL): nothing injected, not-run.
 */
async function setUpPaths(s: ExperimentState): Promise<boolean> {
  const custom = s.definition.workload.custom ?? [];
  try {
    await Promise.all(
      s.definition.paths.map((path) =>
        custom.length
          ? act(STEP, `Plan the custom operations on ${path}`).checkCustomOperations(path, custom)
          : act(STEP, `Set up the business tables on ${path}`).setupSchema(path),
      ),
    );
    return true;
  } catch (err) {
    if (!refusedAs(err, 'CustomSqlRefused')) throw err;
    s.refused = err.cause.message;
    return false;
  }
}

/** Every HTTP target resolves on the worker; false (`s.refused` names the field) when one does not. */
async function httpTargetsKnown(s: ExperimentState): Promise<boolean> {
  const targets = s.definition.http?.targets;
  if (!targets) return true;
  try {
    await act(STEP, `Check the HTTP targets ${targets.join(', ')}`).checkHttpTargets(targets);
    return true;
  } catch (err) {
    if (!refusedAs(err, 'HttpTargetRefused')) throw err;
    s.refused = err.cause.message;
    return false;
  }
}

/** Setup and the hypothesis before; true when the experiment may go on. */
async function prepare(s: ExperimentState, workflowId: string): Promise<boolean> {
  const d = s.definition;
  enter(s, 'setup');
  // Refuses a target that is not opted in, before anything else; what it resolves (networks and
  // aliases included) is what the rollback puts back, even if the injection fails half-way.
  if (d.fault) {
    try {
      s.resolvedTarget = await act(STEP, `Check that ${s.target} is an opted-in target`).resolveFaultTarget(d.fault);
    } catch (err) {
      // A target that is not opted in (or not there): nothing was touched, the experiment did not run.
      if (!refusedAs(err, 'TargetRefused')) throw err;
      s.refused = `target refused: ${err.cause.message}`;
      return false;
    }
  }
  if (!(await httpTargetsKnown(s))) return false;
  if (!(await withinConnectionBudget(s))) return false;
  if (!(await enoughShardWorkers(s))) return false;
  if (!(await lockTarget(s, workflowId))) return false;
  if (!(await setUpPaths(s))) return false;
  enter(s, 'steady-state-before', d.steadyState.windowSeconds * 1000);
  s.before = await act(STEP, 'Steady-state hypothesis, before').checkSteadyState(hypothesis(s));
  return s.before.holds && !s.abort;
}

async function warmUp(s: ExperimentState): Promise<void> {
  const d = s.definition;
  enter(s, 'warmup', d.durations.warmupSeconds * 1000);
  startMeasurement(s);
  await hold(s, d.durations.warmupSeconds * 1000);
  if (!s.abort && !(await everyShardMeasuring(s))) return;
  if (!s.abort && !d.fault) {
    // A baseline: no fault, the workload is measured for the fault's duration.
    enter(s, 'measure', d.durations.faultSeconds * 1000);
    await hold(s, d.durations.faultSeconds * 1000);
  }
}

/** True when this run has done its share of faults (`repeat.cyclesPerRun`) and more remain: continue as new. */
function runIsFull(s: ExperimentState, cyclesAtStart: number): boolean {
  const repeat = s.definition.repeat;
  if (!repeat) return false;
  return s.cycles.length - cyclesAtStart >= repeat.cyclesPerRun && s.cycles.length < repeat.times && !s.abort;
}

export async function chaosExperiment(input: unknown, carried?: Carried): Promise<ExperimentResult> {
  const s = newState(validated(input), new Date(), carried);
  const { workflowId } = workflowInfo();
  installHandlers(s, workflowId);
  const cyclesAtStart = s.cycles.length;
  try {
    // Before the first upsert: which of its search attributes the server has.
    await learnSearchAttributes(s);
    upsertFaultAndTarget(s);
    if (carried) {
      // Between two faults, as the previous run was when it handed over; the lock is taken again.
      enter(s, 'recovery');
      if (await lockTarget(s, workflowId)) startMeasurement(s, carried.measurementFiles);
    } else if (await prepare(s, workflowId)) await warmUp(s);
    if (s.before?.holds && !s.refused) {
      while (s.definition.fault && !s.abort && (await faultCycle(s))) {
        if (runIsFull(s, cyclesAtStart)) {
          enter(s, 'continuing');
          const measured = await measurementsOf(s); // they write their state for the next run
          await unlockTarget(s);
          await continueAsNew<typeof chaosExperiment>(input, carry(s, filesOf(measured)));
        }
      }
    }
  } catch (err) {
    if (isCancellation(err)) {
      s.cancelled = true;
      s.abort ??= { by: 'cancel', reason: 'workflow cancelled' };
    } else if (err instanceof ContinueAsNew) {
      throw err;
    } else {
      s.abort ??= { by: 'failure', reason: errorText(err) };
    }
  } finally {
    // The rollback: runs whatever happened above, and cannot be cancelled.
    if (s.faultOn) await rollBack(s);
  }
  const result = await conclude(s);
  if (s.cancelled)
    throw ApplicationFailure.nonRetryable(`experiment cancelled; report: ${result.report.json}`, 'ExperimentCancelled');
  return result;
}
