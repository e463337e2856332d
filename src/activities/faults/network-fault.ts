/**
 * Network faults inside an opted-in container's network namespace, applied by a sidecar of the
 * nettools image (lab/nettools) that shares the namespace (`--network container:<target>`,
 * NET_ADMIN), as Pumba does: nothing is installed in or run by the target itself.
 *
 *   latency    every packet the target receives is held DELAY +- JITTER ms, in order (NFQUEUE in raw
 *              PREROUTING: the kernel here has no netem; the sidecar lives as long as the fault, and
 *              if it dies packets pass again): every round trip is DELAY longer
 *   loss       a share of the packets the target receives is dropped (iptables statistic)
 *   blackhole  every packet in and out dropped, or only those to/from `towards` (iptables DROP:
 *              clients wait and time out, nothing is refused)
 *
 * The restore removes the sidecar and every rule (`netfault clear`) and verifies none is left.
 */
import { docker } from '../../platform/docker';
import { logger } from '../../platform/logger';
import type { NetworkFault } from '../../shared/experiment-schema';
import type { ResolvedDockerTarget } from '../../shared/fault-types';

export const NETTOOLS_IMAGE = process.env.FAULTLINE_NETTOOLS_IMAGE || 'faultline/nettools:1';
/** Marks a sidecar that holds a fault (latency's) with the id of the container whose namespace it is in. */
const SIDECAR_LABEL = 'faultline.netfault.target';
/**
 * Marks a one-shot command's sidecar (apply, clear, show, reading counters) likewise: it holds no
 * fault, so it does not count as one in place (a reading before the apply would pass for the fault).
 */
const ONE_SHOT_LABEL = 'faultline.netfault.one-shot';

const sidecarName = (target: ResolvedDockerTarget) => `faultline-netfault-${target.name}`.slice(0, 120);

/** Runs `netfault ARGS` in the target's namespace and returns its output; throws on a non-zero exit. */
export const netfault = (target: ResolvedDockerTarget, args: string[]): Promise<string> =>
  inNamespace(target, ['netfault', ...args]);

/** Runs a command of the nettools image in the target's namespace, once; its output, or throws on a non-zero exit. */
export async function inNamespace(target: ResolvedDockerTarget, cmd: string[]): Promise<string> {
  const container = await docker.createContainer({
    Image: NETTOOLS_IMAGE,
    Cmd: cmd,
    Labels: { [ONE_SHOT_LABEL]: target.id },
    Tty: true, // plain output, no multiplexing headers
    HostConfig: { NetworkMode: `container:${target.id}`, CapAdd: ['NET_ADMIN'] },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    if (StatusCode !== 0) throw new Error(`${cmd.join(' ')} in ${target.name} exited ${StatusCode}: ${output.trim()}`);
    return output;
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** The IPs of `names` on the networks they share with the target (a black hole towards them). */
async function addressesOf(target: ResolvedDockerTarget, names: string[]): Promise<string[]> {
  const targetNetworks = new Set(target.networks.map((n) => n.name));
  const ips: string[] = [];
  for (const name of names) {
    const info = await docker
      .getContainer(name)
      .inspect()
      .catch(() => {
        throw new Error(`fault.towards: no container named "${name}"`);
      });
    const shared = Object.entries(info.NetworkSettings.Networks ?? {}).filter(([network]) =>
      targetNetworks.has(network),
    );
    if (shared.length === 0)
      throw new Error(`fault.towards: container "${name}" shares no network with ${target.name}`);
    ips.push(...shared.map(([, endpoint]) => endpoint.IPAddress).filter(Boolean));
  }
  return ips;
}

/** Applies the fault; for latency, starts the sidecar that holds the packets and waits until it is ready. */
export async function applyNetworkFault(
  fault: Pick<NetworkFault, 'action' | 'delayMs' | 'jitterMs' | 'lossPercent' | 'towards'>,
  target: ResolvedDockerTarget,
): Promise<void> {
  logger.info({ action: fault.action, target: target.name }, 'injecting network fault');
  switch (fault.action) {
    case 'loss':
      await netfault(target, ['loss', String(fault.lossPercent)]);
      return;
    case 'blackhole':
      await netfault(target, ['blackhole', ...(fault.towards ? await addressesOf(target, fault.towards) : [])]);
      return;
    case 'latency':
      await startDelaySidecar(target, fault.delayMs ?? 0, fault.jitterMs ?? 0);
      return;
    default:
      fault.action satisfies never;
  }
}

async function startDelaySidecar(target: ResolvedDockerTarget, delayMs: number, jitterMs: number): Promise<void> {
  await docker
    .getContainer(sidecarName(target))
    .remove({ force: true })
    .catch(() => undefined);
  const sidecar = await docker.createContainer({
    name: sidecarName(target),
    Image: NETTOOLS_IMAGE,
    Cmd: ['netfault', 'latency', String(delayMs), String(jitterMs)],
    Tty: true,
    Labels: { [SIDECAR_LABEL]: target.id },
    HostConfig: { NetworkMode: `container:${target.id}`, CapAdd: ['NET_ADMIN'] },
  });
  await sidecar.start();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const output = (await sidecar.logs({ stdout: true, stderr: true })).toString('utf8');
    if (output.includes('faultline-delay: queue')) return;
    const state = (await sidecar.inspect()).State;
    if (!state.Running || Date.now() > deadline) {
      await clearNetworkFault(target).catch(() => undefined);
      throw new Error(
        `the latency sidecar in ${target.name} did not start: ${output.trim() || `exit ${state.ExitCode}`}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Idempotent: removes every sidecar and rule of a network fault on the target, then verifies it. */
export async function clearNetworkFault(target: ResolvedDockerTarget): Promise<{ action: string }> {
  const held = await docker.listContainers({ all: true, filters: { label: [`${SIDECAR_LABEL}=${target.id}`] } });
  const oneShots = await docker.listContainers({ all: true, filters: { label: [`${ONE_SHOT_LABEL}=${target.id}`] } });
  const sidecars = [...held, ...oneShots];
  for (const s of sidecars)
    await docker
      .getContainer(s.Id)
      .remove({ force: true })
      .catch(() => undefined);
  const info = await docker.getContainer(target.id).inspect();
  // A container that does not run has no namespace left to clean (its rules went with it).
  if (!info.State.Running) return { action: sidecars.length ? 'remove-sidecar' : 'none' };
  if (info.State.Paused) throw new Error(`${target.name} is paused: its network rules cannot be cleared now`);
  const removed = await netfault(target, ['clear']);
  const left = await netfault(target, ['show']);
  if (/FAULTLINE_/.test(left)) throw new Error(`network rules still in place in ${target.name} after clear:\n${left}`);
  const acted = sidecars.length > 0 || /removed/i.test(removed);
  return { action: acted ? 'network-clear' : 'none' };
}

/** Whether any network fault rule or sidecar is in place on the target (for tests and doctor). */
export async function networkFaultInPlace(target: ResolvedDockerTarget): Promise<boolean> {
  const sidecars = await docker.listContainers({ filters: { label: [`${SIDECAR_LABEL}=${target.id}`] } });
  if (sidecars.length) return true;
  return /FAULTLINE_/.test(await netfault(target, ['show']));
}
