/** The phases of an experiment, in order. Pure. */
export const EXPERIMENT_PHASES = [
  'validating',
  'setup',
  'steady-state-before',
  'warmup',
  'inject',
  'fault',
  'restore',
  'recovery',
  'steady-state-after',
  'report',
  'done',
] as const;
export type ExperimentPhase = (typeof EXPERIMENT_PHASES)[number];

/** Phases during which the workload measures; from `report` on, it stops and hands its figures over. */
export const MEASURED_PHASES: readonly ExperimentPhase[] = ['warmup', 'inject', 'fault', 'restore', 'recovery', 'steady-state-after'];

/** Name of the workflow query that answers the current phase (plain string). */
export const PHASE_QUERY = 'phase';
/** Name of the workflow query that answers the live status. */
export const STATUS_QUERY = 'status';
