/**
 * What a network fault did, as the report gives it beside each path's probe line: the delay or
 * loss injected, the share of the workload's successes past the stall threshold while the fault was
 * on, and what the target's own TCP did (read in its network namespace). Pure.
 */
import type { Fault } from '../../shared/experiment-schema';
import type { TcpDuringFault } from '../../shared/fault-types';
import { OPERATION_TYPES, type PhaseStats } from '../../shared/workload-types';
import type { CycleReport, PastThreshold } from './fault-cycles';
import { count, pct } from './report-format';

/**
 * Per cycle, from the path's phases: the `fault` phases that began after its inject and before the
 * next one's. None when there is no such phase or its figures did not count them (older results).
 */
export function pastThresholdPerCycle(
  phases: PhaseStats[],
  cycles: CycleReport[],
  stallThresholdMs: number,
): Array<PastThreshold | undefined> {
  return cycles.map((c, i) => {
    const from = Date.parse(c.injectRequestedAt);
    const next = cycles[i + 1] ? Date.parse(cycles[i + 1]!.injectRequestedAt) : Infinity;
    const spans = phases.filter(
      (p) => p.phase === 'fault' && Date.parse(p.startedAt) >= from && Date.parse(p.startedAt) < next,
    );
    if (spans.length === 0 || spans.some((p) => p.total.pastStallThreshold === undefined)) return undefined;
    const sum = (f: (p: PhaseStats) => number) => spans.reduce((n, p) => n + f(p), 0);
    const byType: PastThreshold['byType'] = {};
    for (const type of OPERATION_TYPES) {
      const successes = sum((p) => p.byType[type].successes);
      if (successes > 0) byType[type] = { count: sum((p) => p.byType[type].pastStallThreshold ?? 0), successes };
    }
    return {
      stallThresholdMs,
      phase: 'fault',
      from: spans[0]!.startedAt,
      to: spans[spans.length - 1]!.endedAt,
      count: sum((p) => p.total.pastStallThreshold!),
      successes: sum((p) => p.total.successes),
      held: sum((p) => p.held.count),
      byType,
    };
  });
}

/** 1000 as "1 s", 1500 as "1.5 s", 250 as "250 ms". */
export const thresholdText = (ms: number): string => (ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** "operations past the 1 s stall threshold while the fault was on: 3.2% (412 of 12,870 that succeeded; ...)". */
export function pastThresholdText(p: PastThreshold): string {
  const head = `operations past the ${thresholdText(p.stallThresholdMs)} stall threshold while the fault was on (its fault phase)`;
  if (p.successes === 0) return `${head}: - (no operation succeeded in it)`;
  const types = Object.entries(p.byType)
    .map(([type, t]) => `${type} ${count(t.count)} of ${count(t.successes)}`)
    .join(', ');
  const held =
    p.count === 0
      ? ''
      : `; ${count(p.held)} of them held (a round trip unanswered for the threshold: down), ${count(p.count - p.held)} slow (every round trip answered in time)`;
  return `${head}: ${pct(p.count / p.successes)} (${count(p.count)} of ${count(p.successes)} that succeeded; ${types})${held}`;
}

/** What a network fault injected, in words; undefined for other faults. */
export function injectedText(fault: Fault | undefined): string | undefined {
  if (fault?.kind !== 'network') return undefined;
  const target = fault.target.container ?? `the container labelled ${fault.target.label}`;
  switch (fault.action) {
    case 'latency':
      return `${fault.delayMs} ms${fault.jitterMs ? ` ± ${fault.jitterMs} ms` : ''} added to every packet ${target} receives, so to every round trip`;
    case 'loss':
      return `${fault.lossPercent} % of the packets ${target} receives dropped`;
    case 'blackhole':
      return fault.towards
        ? `every packet between ${target} and ${fault.towards.join(', ')} dropped`
        : `every packet to and from ${target} dropped`;
    default:
      return fault satisfies never;
  }
}

/** "1,234 segments retransmitted of 58,023 sent (2.1%), 12 retransmission timeouts, ...", or not read and why. */
export function tcpText(t: TcpDuringFault): string {
  if ('notRead' in t) return `not read (${t.notRead})`;
  const c = t.counters;
  const sent = c.outSegs + c.retransSegs; // Linux counts retransmissions apart from OutSegs
  const extra = (n: number | undefined, what: string) => (n === undefined ? `${what} not read` : `${count(n)} ${what}`);
  return (
    `${count(c.retransSegs)} segments retransmitted of ${count(sent)} sent (${pct(sent > 0 ? c.retransSegs / sent : null)}), ` +
    `${extra(c.timeouts, 'retransmission timeouts')}, ${extra(c.lossProbes, 'tail loss probes')}, ` +
    `${extra(c.synRetrans, 'SYN or SYN-ACK retransmissions')}; ${count(c.inSegs)} segments received`
  );
}

/** The cycle's line about the fault: what was injected, and what the target's TCP did meanwhile. */
export function networkFaultText(fault: Fault | undefined, c: CycleReport): string | undefined {
  const injected = injectedText(fault);
  if (!injected) return undefined;
  const target = fault?.kind === 'network' ? (fault.target.container ?? 'the target') : 'the target';
  const tcp = c.targetTcp
    ? `; ${target}'s own TCP from the inject to the restore (every connection, read in its network namespace): ${tcpText(c.targetTcp)}`
    : '';
  return `injected: ${injected}${tcp}`;
}
