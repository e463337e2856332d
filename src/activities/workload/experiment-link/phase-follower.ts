/**
 * A workload started by an experiment asks its workflow for its phase log four times a second (when
 * it entered each phase), files its measurements by it (measurement/phase-clock.ts), and stops (aborts `stop`)
 * when the workflow moves past the measured phases.
 */
import { activityInfo } from '@temporalio/activity';
import { MEASURED_PHASES } from '../../../shared/experiment-phases';
import { phaseLogQuery } from '../../../shared/experiment-contract';
import { PHASE_WAIT_MS, type PhaseClock, PolledPhaseLog } from '../measurement/phase-clock';
import { sharedClient } from '../../../platform/temporal-client';

const PHASE_POLL_MS = 250;

export interface PhaseFollower extends PhaseClock {
  /** The phase in force at `t`, once the workflow's log has been heard past it. */
  phaseAt(t: number): Promise<string>;
  /** Stops polling; whoever waits for a phase gets what is known. */
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
  const log = new PolledPhaseLog(initial, MEASURED_PHASES);
  // Stopped, nothing more will be heard: whoever waits for a phase gets what is known.
  stop.signal.addEventListener('abort', () => log.settleWaiting(), { once: true });
  let poller: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const askedAt = Date.now();
      log.heard(await handle.query(phaseLogQuery), askedAt);
      if (!(MEASURED_PHASES as readonly string[]).includes(log.current())) stop.abort();
    } catch {
      // Temporal briefly unreachable: keep the last known phase, the workload goes on.
    }
    log.settleWaiting(Date.now() - PHASE_WAIT_MS);
    if (!stop.signal.aborted) poller = setTimeout(poll, PHASE_POLL_MS);
  };
  if (wait) await poll();
  else void poll();
  return {
    current: () => log.current(),
    entryAt: (t, force) => log.entryAt(t, force),
    entries: () => log.entries(),
    phaseAt: (t) => log.phaseAt(t),
    close: () => {
      clearTimeout(poller);
      log.settleWaiting();
    },
  };
}
