/**
 * Every Docker action, one entry each: what it does to the container, what undoes it beyond running
 * the container again, and whether the target comes back by itself. The table is a
 * `Record<DockerAction, …>`: an action in the schema's enum without its entry here, or an entry
 * without its action there, does not compile. Adding an action: its entry here, its name in
 * `dockerFaultSchema`'s enum (shared/experiment-schema.ts), its row in test/unit/docker-actions.test.ts.
 */
import type Docker from 'dockerode';
import { docker } from '../../platform/docker';
import type { DockerFault } from '../../shared/experiment-schema';
import type { ResolvedDockerTarget } from '../../shared/fault-types';
import { ignoreNotModified, state, waitFor } from './container-state';

export type DockerAction = DockerFault['action'];

export interface DockerActionContext {
  fault: DockerFault;
  target: ResolvedDockerTarget;
  container: Docker.Container;
  injectRequestedAt: string;
}

export interface DockerActionModule {
  /** Acts on the container; when the target was seen down (null: not seen). */
  inject(c: DockerActionContext): Promise<string | null>;
  /**
   * What the restore does once the container runs again (runContainerAgain starts a stopped one and
   * unpauses a paused one): the restore's action when it did something.
   */
  restore?(c: Omit<DockerActionContext, 'injectRequestedAt'>): Promise<string | undefined>;
  /** The target serves again by itself: the inject's probe waits for that, and the lease covers it. */
  healsByItself: boolean;
  /** It acts in the container's network namespace: refused on a `host` or `container:` network mode. */
  actsOnTheNetwork: boolean;
}

const now = () => new Date().toISOString();

/** The networks the fault takes the container off: never one it was not on when it was resolved. */
const networksOf = (fault: DockerFault, target: ResolvedDockerTarget): ResolvedDockerTarget['networks'] =>
  fault.network ? target.networks.filter((n) => n.name === fault.network) : target.networks;

export const DOCKER_ACTIONS: Record<DockerAction, DockerActionModule> = {
  stop: {
    inject: async ({ fault, container }) => {
      await container.stop({ t: fault.gracePeriodSeconds }).catch(ignoreNotModified);
      return now();
    },
    healsByItself: false,
    actsOnTheNetwork: false,
  },
  kill: {
    inject: async ({ fault, target, container }) => {
      await container.kill({ signal: fault.signal }).catch(ignoreNotModified);
      await waitFor(
        `${target.name} to exit after ${fault.signal}`,
        async () => !(await state(target.id)).Running,
        30_000,
      ).catch(() => undefined);
      return (await state(target.id)).Running ? null : now();
    },
    healsByItself: false,
    actsOnTheNetwork: false,
  },
  pause: {
    inject: async ({ container }) => {
      await container.pause().catch(ignoreNotModified);
      return now();
    },
    healsByItself: false,
    actsOnTheNetwork: false,
  },
  restart: {
    // Docker restarts it by itself: the fault is the restart, the restore only waits for it.
    inject: async ({ fault, container, injectRequestedAt }) => {
      await container.restart({ t: fault.gracePeriodSeconds });
      return injectRequestedAt;
    },
    healsByItself: true,
    actsOnTheNetwork: false,
  },
  'network-disconnect': {
    inject: async ({ fault, target }) => {
      for (const network of networksOf(fault, target)) {
        await docker
          .getNetwork(network.name)
          .disconnect({ Container: target.id, Force: true })
          .catch(ignoreNotModified);
      }
      return now();
    },
    restore: async ({ fault, target, container }) => {
      const attached = Object.keys((await container.inspect()).NetworkSettings.Networks ?? {});
      let action: string | undefined;
      for (const network of networksOf(fault, target)) {
        if (!attached.includes(network.name)) {
          await docker
            .getNetwork(network.name)
            .connect({ Container: target.id, EndpointConfig: { Aliases: network.aliases } })
            .catch(ignoreNotModified);
          action = 'network-connect';
        }
      }
      return action;
    },
    healsByItself: false,
    actsOnTheNetwork: true,
  },
};

/** A Docker fault (or one shaped like it) whose action is in the table. */
export const isDockerAction = (fault: {
  kind?: string;
  action?: string;
}): fault is { kind: 'docker'; action: DockerAction } =>
  fault.kind === 'docker' && fault.action !== undefined && Object.hasOwn(DOCKER_ACTIONS, fault.action);
