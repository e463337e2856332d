/**
 * `runWorkload`: the workload engine as a Temporal activity on its own (the `measureWorkload`
 * workflow): for a duration, on a named connection resolved here from the environment (never a DSN
 * in history), heartbeating live counters every 250 ms. Cancelled, it stops within a second and fails
 * with a CancelledFailure whose details carry everything it measured. Experiments use `measurePath`.
 */
import { CancelledFailure, Context, heartbeat } from '@temporalio/activity';
import { parseWorkloadSettings, type WorkloadSettingsInput } from '../../shared/workload-settings';
import type { WorkloadProgress, WorkloadResult } from '../../shared/workload-types';
import { runWorkloadEngine } from './engine/workload-engine';

export interface RunWorkloadInput {
  /** Named connection: `direct`, `proxy`, or any FAULTLINE_CONNECTION_<NAME>. */
  connection: string;
  settings?: WorkloadSettingsInput;
  /** Stop after this long. */
  durationMs: number;
}

const HEARTBEAT_MS = 250;

export async function runWorkload(input: RunWorkloadInput): Promise<WorkloadResult> {
  const settings = parseWorkloadSettings(input.settings, 'workload');
  const context = Context.current();
  let latest: WorkloadProgress | undefined;
  const beat = setInterval(() => heartbeat({ progress: latest }), HEARTBEAT_MS);
  try {
    const result = await runWorkloadEngine({
      connection: input.connection,
      settings,
      durationMs: input.durationMs,
      signal: context.cancellationSignal,
      onProgress: (progress) => (latest = progress),
    });
    if (context.cancellationSignal.aborted)
      throw new CancelledFailure('workload cancelled; details carry what it measured', [result]);
    return result;
  } finally {
    clearInterval(beat);
  }
}
