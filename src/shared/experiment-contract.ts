/**
 * The chaosExperiment workflow's contract, defined once: its type and task queue, the signals and
 * queries it answers, and the search attributes it sets. The workflow, the CLI, the lab, the
 * activities and the tests all import these; nobody spells a name again. It lives in shared so that
 * each imports it downwards: the activities signal and query the workflow without importing it.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ExperimentPhase, PhaseEntry } from './experiment-phases';
import type { ExperimentStatus } from './experiment-types';
import type { WorkloadProgress } from './workload-types';

/** The workflow's type, and the task queue of the `faultline` worker that runs it and its activities. */
export const EXPERIMENT_WORKFLOW_TYPE = 'chaosExperiment';
export const EXPERIMENT_TASK_QUEUE = 'faultline';
/** The lock an experiment holds on each thing its fault touches (src/workflows/target-lock.ts), by workflow type. */
export const TARGET_LOCK_WORKFLOW_TYPE = 'targetLock';
/** Where a path's shards go (`workload.shards`): every worker polls it too, one shard at a time. */
export const shardTaskQueue = (experimentQueue: string): string => `${experimentQueue}-shards`;

/** Restore at once and report the experiment aborted, with a reason. */
export const abortSignal = defineSignal<[reason?: string]>('abort');
/** A workload's live counters (a few per experiment, see measurePath). */
export const progressSignal = defineSignal<[WorkloadProgress]>('progress');
/** The current phase, for people and scripts (`temporal workflow query --type phase`). */
export const phaseQuery = defineQuery<ExperimentPhase>('phase');
/** When this run entered each phase: the workloads file each operation under the phase it ended in. */
export const phaseLogQuery = defineQuery<PhaseEntry[]>('phaseLog');
/** Phase, timings and live counters. */
export const statusQuery = defineQuery<ExperimentStatus>('status');

/** What the experiment tells Temporal's visibility, for the Web UI's filter and `temporal workflow list`. */
export const searchAttributes = {
  phase: defineSearchAttributeKey('FaultlinePhase', SearchAttributeType.KEYWORD),
  fault: defineSearchAttributeKey('FaultlineFault', SearchAttributeType.KEYWORD),
  target: defineSearchAttributeKey('FaultlineTarget', SearchAttributeType.KEYWORD),
  verdict: defineSearchAttributeKey('FaultlineVerdict', SearchAttributeType.KEYWORD),
  downtimeMs: defineSearchAttributeKey('FaultlineDowntimeMs', SearchAttributeType.INT),
  /** Time nothing measured (a lost worker): a verdict with gaps is less certain. */
  gapMs: defineSearchAttributeKey('FaultlineGapMs', SearchAttributeType.INT),
  /**
   * Acknowledged writes the audits did not find, summed over every audit (payments, HTTP services),
   * whatever the verdict (an aborted run too). The dev server allows three Int attributes: this is the third.
   */
  writesLost: defineSearchAttributeKey('FaultlineWritesLost', SearchAttributeType.INT),
} as const;

/** Name and Temporal type of each, for registering them on a server. */
export const SEARCH_ATTRIBUTE_DEFINITIONS: ReadonlyArray<{ name: string; type: 'Keyword' | 'Int' }> = Object.values(
  searchAttributes,
).map((key) => ({
  name: key.name,
  type: key.type === SearchAttributeType.INT ? 'Int' : 'Keyword',
}));
