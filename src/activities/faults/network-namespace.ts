/**
 * Whether a network fault may act in its target's network namespace. Both kinds act there: a
 * `network` fault's sidecar joins it (`--network container:<target>`) and a `network-disconnect`
 * takes the target off its own networks. A container whose network mode (`HostConfig.NetworkMode`)
 * is `host` has the host's namespace, and one of mode `container:<other>` has the other's: the
 * fault would land there. Pure.
 */
export interface NetworkFaultLike {
  /** A network fault, or a Docker action whose entry says so (docker-actions.ts). */
  actsOnTheNetwork: boolean;
  target: { container?: string; label?: string };
}

/** Why the fault may not act on the container, naming the field; undefined when it may. */
export function networkNamespaceRefusal(
  fault: NetworkFaultLike,
  container: string,
  networkMode: string | undefined,
): string | undefined {
  if (!fault.actsOnTheNetwork) return undefined;
  const field = fault.target.container !== undefined ? 'fault.target.container' : 'fault.target.label';
  if (networkMode === 'host')
    return `${field}: container "${container}" has network mode "host": a network fault would act on the host's own network; refusing`;
  if (networkMode?.startsWith('container:'))
    return `${field}: container "${container}" has network mode "${networkMode}": a network fault would act on that container's network namespace too; refusing`;
  return undefined;
}
