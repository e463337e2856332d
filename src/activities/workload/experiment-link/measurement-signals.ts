/** What a path's measurement tells the experiment's workflow: abort when the error budget is spent, and live progress. */
import { activityInfo } from '@temporalio/activity';
import type { WorkloadProgress } from '../../../shared/workload-types';
import { sharedClient } from '../../../platform/temporal-client';
import { abortSignal, progressSignal } from '../../../shared/experiment-contract';
import type { ErrorBudget } from '../measurement/error-budget';

/** Stop conditions: a spent error budget asks the workflow to abort (retried until it is heard). */
export function watchBudget(budget: ErrorBudget | undefined, progress: WorkloadProgress, workflowId: string): void {
  const reason = budget?.observe(progress, Date.now());
  if (reason) void signalAbort(workflowId, reason).catch(() => budget?.retry());
}

async function signalAbort(workflowId: string, reason: string): Promise<void> {
  const client = await sharedClient();
  await client.workflow.getHandle(workflowId).signal(abortSignal, reason);
}

/** How often a shard looks whether it has measured its first operations, to say so at once. */
const FIRST_SIGNAL_POLL_MS = 250;

/**
 * A few progress signals per experiment, so the `status` query has live counters. A shard also
 * signals as soon as it has measured operations: the workflow injects nothing until every shard has
 * (each on a worker of its own).
 */
export function progressSignals(
  input: { progressSignalSeconds?: number; shard?: { count: number } },
  latest: () => WorkloadProgress | undefined,
): NodeJS.Timeout | undefined {
  if (!input.progressSignalSeconds) return undefined;
  // Every shard of a path signals its own figures, each as often as its share of the path's signals
  // allows (the workflow merges them: live-progress.ts).
  const everyMs = input.progressSignalSeconds * 1000 * (input.shard?.count ?? 1);
  let lastSent = Date.now();
  let sentMeasuring = !input.shard;
  return setInterval(() => {
    const { workflowExecution } = activityInfo();
    const progress = latest();
    if (!progress || !workflowExecution) return;
    const first = !sentMeasuring && progress.attempts > 0;
    if (!first && Date.now() - lastSent < everyMs) return;
    lastSent = Date.now();
    sentMeasuring ||= progress.attempts > 0;
    void sharedClient()
      .then((client) =>
        client.workflow
          .getHandle(workflowExecution.workflowId, workflowExecution.runId)
          .signal(progressSignal, progress),
      )
      .catch(() => undefined);
  }, FIRST_SIGNAL_POLL_MS);
}
