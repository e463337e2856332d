/**
 * What a fault's inject has done, kept in every heartbeat it sends from then on: a retried inject
 * (a worker lost, a heartbeat timeout) reads it from the last heartbeat and resumes where the first
 * attempt was, rather than acting twice. Every wait heartbeats through here, so no heartbeat of
 * the same activity drops the marker. Per activity (its Context), never shared between activities.
 */
import { Context, heartbeat } from '@temporalio/activity';

const markers = new WeakMap<Context, Record<string, unknown>>();

function current(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // outside an activity (the dead man's switch's watchdog)
  }
}

/** Records `details` for this activity and heartbeats them at once. */
export function markInjected(details: Record<string, unknown>): void {
  const context = current();
  if (!context) return;
  const marker = { ...markers.get(context), ...details };
  markers.set(context, marker);
  context.heartbeat(marker);
}

/** Heartbeats that the activity is waiting for `what`, with its marker. */
export function beatWaiting(what: string): void {
  const context = current();
  if (!context) return;
  heartbeat({ ...markers.get(context), waitingFor: what });
}
