/** How the experiment calls its activities: timeouts, heartbeats and retries by kind of step. */
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type * as activities from '../../activities';

/** Ordinary steps: setup, steady-state checks, the report. */
export const STEP: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
};

/** A question to Temporal itself (which search attributes it has): quick, a few tries. */
export const LOOKUP: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
};

/**
 * Inject and restore: the restore must get there, so it is retried patiently; a refused target is
 * final. A cancel that lands while the inject runs waits for it to finish, so the rollback always
 * comes after whatever the inject did (never a fault landing after its own restore).
 */
export const FAULT: ActivityOptions = {
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    maximumAttempts: 20,
    initialInterval: '1 second',
    maximumInterval: '10 seconds',
    nonRetryableErrorTypes: ['TargetRefused', 'InvalidExperiment'],
  },
};

/**
 * The workloads run for the whole experiment. A worker that dies takes its workloads with it: the
 * heartbeat timeout notices within 15 s, and a retry on another (or the restarted) worker takes up
 * the measurement from its last checkpoint.
 */
export const WORKLOAD: ActivityOptions = {
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '15 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    maximumAttempts: 20,
    initialInterval: '1 second',
    maximumInterval: '5 seconds',
    nonRetryableErrorTypes: ['InvalidSettingsError', 'UnknownConnection', 'InvalidExperiment'],
  },
};

/** The audit waits for payments still in flight, up to the definition's timeout. */
export const auditOptions = (timeoutSeconds: number): ActivityOptions => ({
  startToCloseTimeout: `${timeoutSeconds + 120} seconds`,
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '2 seconds' },
});

/** Activities with a one-line summary the Web UI shows next to each of them. */
export const act = (options: ActivityOptions, summary: string) =>
  proxyActivities<typeof activities>({ ...options, summary });
