/** Errors as the workflow tells of them: one line for a verdict reason, and refusals. */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** One line for an error in a verdict reason or an abort: its message and its cause's. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}

/** An activity's failure of this type (a refusal: nothing was touched). */
export function refusedAs(err: unknown, type: string): err is ActivityFailure & { cause: ApplicationFailure } {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === type;
}
