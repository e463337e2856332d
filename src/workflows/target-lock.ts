/**
 * One fault at a time per physical thing, whatever started the experiments (two schedules, a
 * schedule and a manual run, a trigger) and whatever their faults' kinds: an experiment holds a
 * child workflow per thing its target touches (a container by name, a Patroni cluster by scope, an
 * RDS cluster by id; see shared/touched-things.ts), whose id names the thing. Temporal lets only one
 * run with that id exist at a time, so a second experiment's start of the child fails, and that
 * experiment gives back what it took and ends `not-run` without touching anything. The locks end
 * when the experiment releases them, or with the experiment however it closes (parent close
 * policy: terminate).
 */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import type { ResolvedTarget, TouchedThing } from '../shared/fault-types';
import { containerTouches, patroniTouches, rdsTouches } from '../shared/touched-things';

export const releaseSignal = defineSignal('release');

/**
 * The one lock of experiments whose target was resolved before every touched thing was locked,
 * named by the fault's kind, e.g. `faultline-lock-docker-faultline-db`.
 */
export const targetLockId = (kind: string, target: string): string => `faultline-lock-${kind}-${target}`;

/**
 * The lock's workflow id for a thing, e.g. `faultline-lock-container-faultline-db`: the same for a
 * Docker and a network fault on that container. A Patroni cluster's and an RDS cluster's are the
 * ids their faults' single lock had (`faultline-lock-patroni-<scope>`, `faultline-lock-rds-<id>`).
 */
export const thingLockId = (thing: TouchedThing): string => `faultline-lock-${thing.kind}-${thing.name}`;

const THING_WORDS: Record<TouchedThing['kind'], string> = {
  container: 'container',
  patroni: 'Patroni cluster',
  rds: 'RDS cluster',
};

export interface TargetLock {
  id: string;
  /** The thing, for people: `container faultline-db`. */
  what: string;
}

/**
 * What a target resolved by older code (without `touches`) is known to touch from what it says: a
 * container by its name (not whether it is a Patroni node), a cluster by its scope or id.
 */
function knownTouches(target: ResolvedTarget): TouchedThing[] {
  switch (target.kind) {
    case 'docker':
      return containerTouches(target.name);
    case 'patroni':
      return patroniTouches(target.scope, []);
    case 'rds':
      return rdsTouches(target.cluster);
    default:
      return target satisfies never;
  }
}

/**
 * The locks an experiment on `target` takes, in the order it takes them: one per thing the target
 * touches, sorted by id, none twice. Every experiment taking its locks in that one order, of two
 * whose sets overlap, one always gets all of its own. A target resolved by older code (a run
 * continued from one started before `touches`) also keeps the one lock of before, named by the
 * fault's kind.
 */
export function targetLocks(faultKind: string, target: ResolvedTarget): TargetLock[] {
  const things = target.touches ?? knownTouches(target);
  const byId = new Map(things.map((t) => [thingLockId(t), `${THING_WORDS[t.kind]} ${t.name}`]));
  const old = targetLockId(faultKind, target.name);
  if (!target.touches && !byId.has(old)) byId.set(old, target.name);
  return [...byId.keys()].sort().map((id) => ({ id, what: byId.get(id)! }));
}

/** The locks' workflow ids alone (see targetLocks). */
export const lockIdsOf = (faultKind: string, target: ResolvedTarget): string[] =>
  targetLocks(faultKind, target).map((l) => l.id);

/** Held by the experiment `owner` until released. */
export async function targetLock(owner: string): Promise<string> {
  let released = false;
  setHandler(releaseSignal, () => {
    released = true;
  });
  await condition(() => released);
  return owner;
}
