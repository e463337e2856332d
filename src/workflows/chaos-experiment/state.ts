/**
 * Everything one run of an experiment knows, in one object that every step reads and writes; and
 * what a run hands over when the experiment continues as new (many repeated faults).
 */
import type { HttpAuditResult } from '../../shared/http-audit-types';
import type { BusinessWriteAudit } from '../../shared/business-write-audit-types';
import type { PaymentAudit, PaymentWorkloadSummary } from '../../shared/payment-types';
import type { ChildWorkflowHandle } from '@temporalio/workflow';
import type { ExperimentPhase, PhaseEntry } from '../../shared/experiment-phases';
import type { targetLock } from '../target-lock';
import { describeFault, type ExperimentDefinition } from '../../shared/experiment-schema';
import type { ExperimentOutcome, FaultCycle } from '../../shared/experiment-types';
import type { WorkloadProgress } from '../../shared/workload-types';
import type { InjectionRecord, ResolvedTarget, RestoreRecord } from '../../shared/fault-types';
import type { SteadyStateCheck } from '../../shared/steady-state-types';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import type { SearchAttributesMissing } from '../../shared/search-attributes-missing';

/** What a run of the experiment hands to the next when it continues as new. */
export interface Carried {
  run: number;
  startedAt: string;
  before: SteadyStateCheck;
  resolvedTarget?: ResolvedTarget;
  cycles: FaultCycle[];
  /** Workflow time of the first injection: the next ones are `everySeconds` apart from it. */
  firstInjectAt: number;
  /** The measurements' final state files, for the next run to take up. */
  measurementFiles: MeasurementFiles;
}

export interface MeasurementFiles {
  paths: Record<string, string>;
  payments?: string;
}

export interface ExperimentState {
  readonly definition: ExperimentDefinition;
  readonly fault: string;
  readonly target: string;
  readonly startedAt: Date;
  /** 1 for the first run, 2 after the first continue-as-new, ... */
  readonly run: number;
  phase: ExperimentPhase;
  /** When this run entered each phase, in order (the measurements file operations by it). */
  readonly phaseLog: PhaseEntry[];
  phaseEndsAt: number | null;
  abort?: ExperimentOutcome['abort'];
  cancelled: boolean;
  /** Latest live counters per path and shard (progress signals; liveKey). */
  readonly live: Map<string, WorkloadProgress>;
  resolvedTarget?: ResolvedTarget;
  before?: SteadyStateCheck;
  after?: SteadyStateCheck;
  /** Every fault so far, this run's and the previous runs'. */
  readonly cycles: FaultCycle[];
  firstInjectAt?: number;
  /** A fault is (or may be) on: the rollback must run. */
  faultOn: boolean;
  /** Workflow time the current inject was asked for, until its record arrives. */
  injectAskedAt?: number;
  /** The last restore still needs its recovery check. */
  recoveryPending: boolean;
  measurements: Array<Promise<PathMeasurementSummary | undefined>>;
  payments?: Promise<PaymentWorkloadSummary | undefined>;
  audit?: PaymentAudit;
  /** Each HTTP target's audit of what it acknowledged (`http.audit`). */
  httpAudits?: HttpAuditResult[];
  httpAuditErrors?: string[];
  /** Each business path's audit of its writes (orders, logs, purchases). */
  writeAudits?: BusinessWriteAudit[];
  writeAuditErrors?: string[];
  /**
   * The locks this run holds, one per thing its fault touches (target-lock-step.ts). Not carried
   * across continue-as-new: a run gives them back before it hands over, the next takes them again.
   */
  readonly locks: Array<ChildWorkflowHandle<typeof targetLock>>;
  /** Why the experiment did not run (what it would touch is locked by another, say). */
  refused?: string;
  /** faultline's search attributes the server lacks: none of them is upserted (search-attributes-step.ts). */
  searchAttributesMissing?: SearchAttributesMissing;
}

export function newState(definition: ExperimentDefinition, now: Date, carried?: Carried): ExperimentState {
  const { fault, target } = describeFault(definition.fault);
  return {
    definition,
    fault,
    target,
    startedAt: carried ? new Date(carried.startedAt) : now,
    run: carried?.run ?? 1,
    phase: 'validating',
    phaseLog: [],
    phaseEndsAt: null,
    cancelled: false,
    live: new Map(),
    ...(carried?.resolvedTarget ? { resolvedTarget: carried.resolvedTarget } : {}),
    ...(carried ? { before: carried.before, firstInjectAt: carried.firstInjectAt } : {}),
    cycles: [...(carried?.cycles ?? [])],
    faultOn: false,
    recoveryPending: false,
    measurements: [],
    locks: [],
  };
}

export function carry(s: ExperimentState, measurementFiles: MeasurementFiles): Carried {
  return {
    measurementFiles,
    run: s.run + 1,
    startedAt: s.startedAt.toISOString(),
    before: s.before!,
    ...(s.resolvedTarget ? { resolvedTarget: s.resolvedTarget } : {}),
    cycles: s.cycles,
    firstInjectAt: s.firstInjectAt!,
  };
}

/** The cycle being worked on (the last one started). */
export const currentCycle = (s: ExperimentState): FaultCycle | undefined => s.cycles[s.cycles.length - 1];

export function recordInjection(s: ExperimentState, injection: InjectionRecord): void {
  s.cycles.push({ cycle: s.cycles.length + 1, injection });
}

export function recordRestore(s: ExperimentState, restore: RestoreRecord): void {
  const cycle = currentCycle(s);
  if (cycle && !cycle.restore) cycle.restore = restore;
}
