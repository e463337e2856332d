/**
 * Docker faults with dockerode: stop, kill, pause, restart, network-disconnect, and their restore.
 *
 * Safety: the target must resolve to exactly one container carrying `faultline.target=true`;
 * anything else (the Temporal server, a container not opted in) is refused before any action.
 * Ground truth: the activity records when injection was requested, when the target was seen
 * down, when the restore was requested and when the target served queries again.
 */
import { ApplicationFailure } from '@temporalio/common';
import type Docker from 'dockerode';
import { docker } from '../../platform/docker';
import { DOCKER_TARGET_LABEL } from '../../shared/names';
import type { DockerFault } from '../../shared/experiment-schema';
import { logger } from '../../platform/logger';
import type { Locked, ResolvedDockerTarget } from '../../shared/fault-types';
import { networkNamespaceRefusal } from './network-namespace';
import { PATRONI_SCOPE_LABEL } from '../../platform/patroni/cluster-nodes';
import { containerTouches } from '../../shared/touched-things';
import { runContainerAgain, state, waitFor } from './container-state';
import { DOCKER_ACTIONS, isDockerAction } from './docker-actions';

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'TargetRefused');

/**
 * Finds the one opted-in container a fault names; refuses anything else, and a network fault on a
 * container that has another's network namespace. What it touches: the container, and its Patroni
 * cluster when it is a node of one.
 */
export async function resolveDockerTarget(
  fault: Pick<DockerFault, 'target'> & { kind?: string; action?: string; network?: string },
): Promise<Locked<ResolvedDockerTarget>> {
  let info: Docker.ContainerInspectInfo;
  if (fault.target.container) {
    try {
      info = await docker.getContainer(fault.target.container).inspect();
    } catch {
      throw refuse(`fault.target.container: no container named "${fault.target.container}"`);
    }
  } else {
    const matches = await docker.listContainers({ all: true, filters: { label: [fault.target.label!] } });
    if (matches.length !== 1) {
      throw refuse(
        `fault.target.label: "${fault.target.label}" matches ${matches.length} containers, it must match exactly one`,
      );
    }
    info = await docker.getContainer(matches[0]!.Id).inspect();
  }
  const name = info.Name.replace(/^\//, '');
  const labels = info.Config.Labels ?? {};
  if (labels[DOCKER_TARGET_LABEL] !== 'true') {
    throw refuse(
      `fault.target: container "${name}" is not opted in as a chaos target (label ${DOCKER_TARGET_LABEL}=true); refusing to touch it`,
    );
  }
  const image = info.Config.Image ?? '';
  if (/temporal/i.test(name) || /temporal/i.test(image)) {
    throw refuse(
      `fault.target: container "${name}" runs the Temporal server; faultline never faults its own orchestrator`,
    );
  }
  const actsOnTheNetwork =
    fault.kind === 'network' || (isDockerAction(fault) && DOCKER_ACTIONS[fault.action].actsOnTheNetwork);
  const namespaceRefusal = networkNamespaceRefusal(
    { actsOnTheNetwork, target: fault.target },
    name,
    info.HostConfig?.NetworkMode,
  );
  if (namespaceRefusal) throw refuse(namespaceRefusal);
  const networks = Object.entries(info.NetworkSettings.Networks ?? {}).map(([network, endpoint]) => ({
    name: network,
    // Docker lists the short container id among the aliases; it adds that one by itself.
    aliases: (endpoint.Aliases ?? []).filter((alias: string) => !info.Id.startsWith(alias)),
  }));
  if (fault.action === 'network-disconnect' && fault.network && !networks.some((n) => n.name === fault.network)) {
    // The restore reconnects what the fault disconnected: a network the container is not on would be
    // one it never was on.
    throw refuse(
      `fault.network: container "${name}" is not attached to network "${fault.network}" (it is on ${networks.map((n) => n.name).join(', ') || 'no network'})`,
    );
  }
  // A Patroni node carries its cluster's scope (the label a Patroni fault finds its nodes by): a
  // fault on the container touches the cluster too.
  return { kind: 'docker', id: info.Id, name, networks, touches: containerTouches(name, labels[PATRONI_SCOPE_LABEL]) };
}

export async function injectDockerFault(
  fault: DockerFault,
  /** Runs after the target is resolved and before it is touched (the lease of the dead man's switch). */
  beforeAction?: (target: ResolvedDockerTarget) => Promise<void>,
): Promise<{ target: ResolvedDockerTarget; injectRequestedAt: string; targetDownAt: string | null }> {
  const target = await resolveDockerTarget(fault);
  await beforeAction?.(target);
  const container = docker.getContainer(target.id);
  const injectRequestedAt = new Date().toISOString();
  logger.info({ action: fault.action, target: target.name }, 'injecting docker fault');
  const targetDownAt = await DOCKER_ACTIONS[fault.action].inject({ fault, target, container, injectRequestedAt });
  return { target, injectRequestedAt, targetDownAt };
}

/**
 * Puts the target back, whatever state it is in (idempotent), then verifies it is really back:
 * the container runs and every path answers a query.
 */
export async function restoreDockerFault(
  fault: DockerFault,
  target?: ResolvedDockerTarget,
): Promise<{ restoreRequestedAt: string; action: string; targetRunningAt: string }> {
  const resolved = target ?? (await resolveDockerTarget(fault));
  const container = docker.getContainer(resolved.id);
  const restoreRequestedAt = new Date().toISOString();
  const ranAgain = await runContainerAgain(resolved.id);
  const action =
    (await DOCKER_ACTIONS[fault.action].restore?.({ fault, target: resolved, container })) ?? ranAgain ?? 'none';
  await waitFor(
    `${resolved.name} to run`,
    async () => {
      const s = await state(resolved.id);
      return s.Running && !s.Paused;
    },
    120_000,
  );
  logger.info({ target: resolved.name, action }, 'docker fault restored');
  return { restoreRequestedAt, action, targetRunningAt: new Date().toISOString() };
}
