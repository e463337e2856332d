/**
 * Before anything is injected: every HTTP target the definition names resolves on this worker to a
 * base URL (FAULTLINE_HTTP_<NAME>, or one of the lab's). One that does not is refused, naming its
 * field, and the experiment does not run.
 */
import { ApplicationFailure } from '@temporalio/common';
import { resolveHttpTarget } from '../../platform/http-targets';

/** The targets' base URLs as logs may show them (no user, no password). */
export async function checkHttpTargets(targets: string[]): Promise<string[]> {
  const problems: string[] = [];
  const shown: string[] = [];
  for (const [i, name] of targets.entries()) {
    try {
      shown.push(resolveHttpTarget(name).display);
    } catch (err) {
      problems.push(`http.targets.${i}: ${(err as Error).message}`);
    }
  }
  if (problems.length) throw ApplicationFailure.nonRetryable(problems.join('; '), 'HttpTargetRefused');
  return Promise.resolve(shown);
}
