/**
 * A network fault's inject and restore, as the fault activities run them: the target's TCP counters
 * are read just before the fault is applied and just after it is cleared, so that the restore
 * records what the target's TCP did while the fault was on (retransmissions, timeouts). After the
 * clear, not before: a reading takes a sidecar's start (about half a second), which must not keep
 * the fault on longer than the experiment asked, nor count in the recovery time.
 */
import type { NetworkFault } from '../../shared/experiment-schema';
import type { InjectionRecord, ResolvedDockerTarget, RestoreRecord, TcpReading } from '../../shared/fault-types';
import { applyNetworkFault, clearNetworkFault } from './network-fault';
import { readTargetTcp } from './target-tcp';
import { tcpDuringFault } from './tcp-counters';

/** Reads the counters, then `before` (the lease, right before the target is touched), then applies the fault. */
export async function injectNetworkFault(
  fault: NetworkFault,
  target: ResolvedDockerTarget,
  before: (target: ResolvedDockerTarget) => Promise<void>,
): Promise<Omit<InjectionRecord, 'paths'>> {
  const tcp = await readTargetTcp(target);
  await before(target);
  const injectRequestedAt = new Date().toISOString();
  await applyNetworkFault(fault, target);
  return { target, injectRequestedAt, targetDownAt: null, tcp };
}

/** Clears the fault, then reads the counters; `tcpAtInject`: the inject's reading. */
export async function restoreNetworkFault(
  target: ResolvedDockerTarget,
  restoreRequestedAt: string,
  tcpAtInject: TcpReading | undefined,
): Promise<Omit<RestoreRecord, 'servingAgainAt' | 'paths'>> {
  const cleared = await clearNetworkFault(target);
  const targetRunningAt = new Date().toISOString();
  const tcp = tcpDuringFault(tcpAtInject, await readTargetTcp(target));
  return { restoreRequestedAt, ...cleared, targetRunningAt, tcpDuringFault: tcp };
}
