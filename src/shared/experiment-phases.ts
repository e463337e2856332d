/** The phases of an experiment, in order. Pure. */
export const EXPERIMENT_PHASES = [
  'validating',
  'setup',
  'steady-state-before',
  'warmup',
  /** Experiments without a fault (a baseline) measure here instead of inject/fault/restore. */
  'measure',
  'inject',
  'fault',
  'restore',
  'recovery',
  'steady-state-after',
  /** An experiment with many repeated faults hands over to its next run (continue-as-new). */
  'continuing',
  /** Experiments with payments: the workloads stop, and every acknowledged payment is checked. */
  'audit',
  'report',
  'done',
] as const;
export type ExperimentPhase = (typeof EXPERIMENT_PHASES)[number];

/** Phases during which the workload measures; from `report` on, it stops and hands its figures over. */
export const MEASURED_PHASES: readonly ExperimentPhase[] = EXPERIMENT_PHASES.slice(
  EXPERIMENT_PHASES.indexOf('warmup'),
  EXPERIMENT_PHASES.indexOf('steady-state-after') + 1,
);

/** When the experiment entered a phase (workflow time, ms since the epoch): the workflow's phase log. */
export interface PhaseEntry {
  phase: string;
  at: number;
}
