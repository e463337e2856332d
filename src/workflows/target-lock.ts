/**
 * One experiment at a time per target, whatever started it (two schedules, a schedule and a manual
 * run, a trigger): the experiment holds a child workflow whose id names the target. Temporal lets
 * only one run with that id exist at a time, so a second experiment's start of the child fails, and
 * that experiment ends `not-run` without touching anything. The lock ends when the experiment
 * releases it, or with the experiment however it closes (parent close policy: terminate).
 */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const releaseSignal = defineSignal('release');

/** The lock's workflow id for a target, e.g. `faultline-lock-docker-faultline-db`. */
export const targetLockId = (kind: string, target: string): string => `faultline-lock-${kind}-${target}`;

/** Held by the experiment `owner` until released. */
export async function targetLock(owner: string): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  await condition(() => released);
  return owner;
}
