/**
 * `runWorkload`: the workload engine as a Temporal activity on the `faultline` task queue.
 *
 * - Runs against a named connection, resolved here from the environment (never a DSN in history).
 * - Heartbeats every second with live counters (visible in the Web UI as heartbeat details).
 * - Started by an experiment (`followPhases`), it asks its workflow for the current phase four
 *   times a second, tags its measurements with it, and stops by itself when the workflow moves
 *   past the measured phases: the normal end returns the result.
 * - Cancelled, it stops within a second and fails with a CancelledFailure whose details carry
 *   everything it measured, so the workflow can still report it.
 * - Optional pgbench background load runs for the same span; its figures join the result.
 */
import { activityInfo, CancelledFailure, Context, heartbeat } from '@temporalio/activity';
import { parseWorkloadSettings, type WorkloadSettingsInput } from '../../shared/workload-settings';
import type { PgbenchFigures, WorkloadProgress, WorkloadResult } from '../../shared/workload-types';
import { sharedClient } from '../temporal-client';
import { ErrorBudget } from './error-budget';
import { followExperimentPhase } from './phase-follower';
import { runPgbench } from './pgbench-runner';
import { runWorkloadEngine } from './workload-engine';

export interface RunWorkloadInput {
  /** Named connection: `direct`, `proxy`, or any FAULTLINE_CONNECTION_<NAME>. */
  connection: string;
  settings?: WorkloadSettingsInput;
  /** Stop after this long (standalone runs). */
  durationMs?: number;
  /** Follow the calling workflow's `phase` query (experiments). */
  followPhases?: boolean;
  /**
   * Error budget: after the fault window (phases recovery and later), when the error rate stays
   * above maxErrorRate for forSeconds, signal the workflow to abort.
   */
  stopConditions?: { maxErrorRate: number; forSeconds: number };
  /**
   * Send the workflow a `progress` signal this often, so its `status` query has live counters.
   * The workflow picks the interval from the planned duration, so history stays bounded.
   */
  progressSignalSeconds?: number;
}

/** Signal carrying a workload's live counters to its experiment. */
export const PROGRESS_SIGNAL = 'progress';

/** Cancellation reaches an activity with a heartbeat: heartbeat often so it stops within a second. */
const HEARTBEAT_MS = 250;

export async function runWorkload(input: RunWorkloadInput): Promise<WorkloadResult> {
  const settings = parseWorkloadSettings(input.settings, 'workload');
  const context = Context.current();
  const stop = new AbortController();
  const cancelled = () => context.cancellationSignal.aborted;
  context.cancellationSignal.addEventListener('abort', () => stop.abort(), { once: true });

  const follower = input.followPhases ? await followExperimentPhase(stop) : undefined;
  const phase = () => follower?.current() ?? 'run';

  let latest: WorkloadProgress | undefined;
  const pgbenchRun: Promise<PgbenchFigures | undefined> =
    settings.pgbench.enabled
      ? runPgbench({
          connection: input.connection,
          clients: settings.pgbench.clients,
          // pgbench needs a duration: the run's, or a long one that the stop signal cuts short.
          durationSeconds: Math.ceil((input.durationMs ?? 24 * 3600_000) / 1000),
          weights: settings.weights,
          signal: stop.signal,
        }).then(({ output: _output, ...figures }) => figures)
      : Promise.resolve(undefined);

  const budget = input.stopConditions && input.followPhases ? new ErrorBudget(input.stopConditions) : undefined;
  const checkErrorBudget = (progress: WorkloadProgress) => {
    const reason = budget?.observe(progress, Date.now());
    if (!reason) return;
    const { workflowExecution } = activityInfo();
    void sharedClient()
      .then((client) => client.workflow.getHandle(workflowExecution!.workflowId).signal('abort', reason))
      .catch(() => budget?.retry());
  };

  const beat = setInterval(() => {
    if (latest) heartbeat(latest);
  }, HEARTBEAT_MS);
  const signalEvery = input.followPhases && input.progressSignalSeconds ? input.progressSignalSeconds * 1000 : 0;
  const progressSignals = signalEvery
    ? setInterval(() => {
        const { workflowExecution } = activityInfo();
        if (!latest || !workflowExecution) return;
        const progress = latest;
        void sharedClient()
          .then((client) => client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId).signal(PROGRESS_SIGNAL, progress))
          .catch(() => undefined);
      }, signalEvery)
    : undefined;
  try {
    const result = await runWorkloadEngine({
      connection: input.connection,
      settings,
      durationMs: input.durationMs,
      signal: stop.signal,
      phase,
      onProgress: (progress) => {
        latest = progress;
        checkErrorBudget(progress);
      },
    });
    stop.abort(); // ends pgbench with the engine
    const pgbench = await pgbenchRun;
    const complete: WorkloadResult = { ...result, stoppedBy: cancelled() ? 'cancelled' : input.followPhases ? 'signal' : 'duration', ...(pgbench ? { pgbench } : {}) };
    if (cancelled()) throw new CancelledFailure('workload cancelled; details carry what it measured', [complete]);
    return complete;
  } finally {
    clearInterval(beat);
    if (progressSignals) clearInterval(progressSignals);
    follower?.close();
    stop.abort();
    if (latest) context.log.debug('workload finished', { ...latest });
  }
}
