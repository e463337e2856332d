/**
 * The target's TCP counters, read where they are kept: its network namespace. A one-shot sidecar of
 * the nettools image in that namespace (`--network container:<target>`) prints /proc/net/snmp and
 * /proc/net/netstat, which Linux keeps per namespace; nothing runs in the target itself. A reading
 * that fails says why, and never stops the fault's inject or restore.
 */
import type { ResolvedDockerTarget, TcpReading } from '../../shared/fault-types';
import { inNamespace } from './network-fault';
import { tcpCountersOf } from './tcp-counters';

/** A reading that takes longer is given up (the restore must not wait on it). */
const READ_TIMEOUT_MS = 15_000;

export async function readTargetTcp(target: ResolvedDockerTarget): Promise<TcpReading> {
  let timer: NodeJS.Timeout | undefined;
  const cat = inNamespace(target, ['cat', '/proc/net/snmp', '/proc/net/netstat']);
  cat.catch(() => undefined); // given up on: its failure, later, is nobody's (the restore removes the sidecar)
  try {
    const output = await Promise.race([
      cat,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
      }),
    ]);
    return { at: new Date().toISOString(), counters: tcpCountersOf(output) };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      at: new Date().toISOString(),
      notRead: `a sidecar in ${target.name}'s network namespace could not read /proc/net/snmp and /proc/net/netstat: ${why.slice(0, 300)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
