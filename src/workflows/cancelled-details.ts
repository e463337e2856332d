/** What a cancelled measuring activity handed back in its CancelledFailure's details. */
import { ActivityFailure, CancelledFailure } from '@temporalio/workflow';

export function measuredBeforeCancel<T>(err: unknown): T | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof CancelledFailure && cause.details.length > 0) return cause.details[0] as T;
  return undefined;
}
