/**
 * What a fault touches, as the resolve activity records it on the target (`touches`): the things
 * the experiment locks. Pure.
 *
 *   docker, network  the container, and its Patroni cluster when it is a member of one (it carries
 *                    the label faultline.patroni.scope, as the lab's nodes do in docker-compose.yml)
 *   patroni          the cluster, and every member container (whichever leads when the fault lands)
 *   rds              the cluster
 */
import type { TouchedThing } from './fault-types';

/** A container, and the Patroni cluster it is a member of (`patroniScope`, its label), if any. */
export function containerTouches(name: string, patroniScope?: string): TouchedThing[] {
  return [{ kind: 'container', name }, ...(patroniScope ? [{ kind: 'patroni' as const, name: patroniScope }] : [])];
}

/** A Patroni cluster and its member containers. */
export function patroniTouches(scope: string, containers: string[]): TouchedThing[] {
  return [{ kind: 'patroni', name: scope }, ...containers.map((name) => ({ kind: 'container' as const, name }))];
}

export const rdsTouches = (cluster: string): TouchedThing[] => [{ kind: 'rds', name: cluster }];
