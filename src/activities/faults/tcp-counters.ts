/**
 * A network namespace's TCP counters from Linux's /proc/net/snmp and /proc/net/netstat, and what
 * they did between two readings. Both files hold, per protocol, a line of names then a line of
 * values with the same prefix (`Tcp: RtoAlgorithm RtoMin ...` / `Tcp: 1 200 ...`); they are per
 * network namespace, so a process in the target's namespace reads the target's. Pure.
 */
import type { TcpCounters, TcpDuringFault, TcpReading } from '../../shared/fault-types';

/** Every protocol's counters by name: `{ Tcp: { RetransSegs: 12, ... }, TcpExt: { ... } }`. */
export function parseProcNet(text: string): Record<string, Record<string, number>> {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const protocols: Record<string, Record<string, number>> = {};
  for (let i = 0; i + 1 < lines.length; i++) {
    const [prefix, ...names] = lines[i]!.split(/\s+/);
    const [valuePrefix, ...values] = lines[i + 1]!.split(/\s+/);
    // A header is followed by its values: same prefix, same number of fields, every value a number.
    if (!prefix?.endsWith(':') || valuePrefix !== prefix || values.length !== names.length) continue;
    if (!values.every((v) => /^-?\d+$/.test(v)) || names.every((n) => /^-?\d+$/.test(n))) continue;
    protocols[prefix.slice(0, -1)] = Object.fromEntries(names.map((n, k) => [n, Number(values[k])]));
    i++;
  }
  return protocols;
}

/** The TCP counters of /proc/net/snmp and /proc/net/netstat (read together); throws when there are none. */
export function tcpCountersOf(text: string): TcpCounters {
  const { Tcp: tcp, TcpExt: ext } = parseProcNet(text);
  const missing = ['InSegs', 'OutSegs', 'RetransSegs'].filter((n) => tcp?.[n] === undefined);
  if (missing.length)
    throw new Error(
      `no Tcp counters ${missing.join(', ')} in what was read (${text.trim().slice(0, 80) || 'nothing'})`,
    );
  const optional = (name: string, value: number | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    inSegs: tcp!.InSegs!,
    outSegs: tcp!.OutSegs!,
    retransSegs: tcp!.RetransSegs!,
    ...optional('timeouts', ext?.TCPTimeouts),
    ...optional('lossProbes', ext?.TCPLossProbes),
    ...optional('synRetrans', ext?.TCPSynRetrans),
  };
}

/**
 * What the counters did from `before` to `after`; not read (and why) when either reading is
 * missing, or when a counter went back (the namespace was made anew: the target was restarted).
 */
export function tcpDuringFault(before: TcpReading | undefined, after: TcpReading): TcpDuringFault {
  if (!before) return { notRead: 'the inject recorded no reading to count from' };
  if ('notRead' in before) return { notRead: `at the inject: ${before.notRead}` };
  if ('notRead' in after) return { notRead: `at the restore: ${after.notRead}` };
  const a = before.counters;
  const b = after.counters;
  const keys = (Object.keys(b) as Array<keyof TcpCounters>).filter((k) => a[k] !== undefined);
  const back = keys.filter((k) => b[k]! < a[k]!);
  if (back.length)
    return {
      notRead: `${back.join(', ')} went back between the readings: the target's network namespace was made anew`,
    };
  return {
    from: before.at,
    to: after.at,
    counters: Object.fromEntries(keys.map((k) => [k, b[k]! - a[k]!])) as unknown as TcpCounters,
  };
}
