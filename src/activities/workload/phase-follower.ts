/**
 * A workload started by an experiment asks its workflow for the current phase four times a second,
 * tags its measurements with it, and stops (aborts `stop`) when the workflow moves past the
 * measured phases.
 */
import { activityInfo } from '@temporalio/activity';
import { MEASURED_PHASES } from '../../shared/experiment-phases';
import { phaseQuery } from '../../workflows/chaos-experiment/contract';
import { sharedClient } from '../../platform/temporal-client';

const PHASE_POLL_MS = 250;

export interface PhaseFollower {
  current(): string;
  close(): void;
}

/**
 * Starts following; resolves after the first answer, or at once with `initial` when `wait` is false
 * (a measurement resumed after a lost worker: the first query may wait for the new worker to replay
 * the workflow, and the measurement must not).
 */
export async function followExperimentPhase(
  stop: AbortController,
  initial = 'warmup',
  wait = true,
): Promise<PhaseFollower> {
  const { workflowExecution } = activityInfo();
  if (!workflowExecution) throw new Error('following phases needs the activity to be called by a workflow');
  const client = await sharedClient();
  const handle = client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId);
  let phase = initial;
  let poller: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const current = await handle.query(phaseQuery);
      if (!(MEASURED_PHASES as readonly string[]).includes(current)) stop.abort();
      else phase = current;
    } catch {
      // Temporal briefly unreachable: keep the last known phase, the workload goes on.
    }
    if (!stop.signal.aborted) poller = setTimeout(poll, PHASE_POLL_MS);
  };
  if (wait) await poll();
  else void poll();
  return {
    current: () => phase,
    close: () => clearTimeout(poller),
  };
}
