/** The console summary, in the spirit of seed 001's example report. */
import { OPERATION_TYPES } from '../../shared/workload-types';
import { configurationConsole, shardClientText } from './configuration-section';
import { paymentConsole } from './payment-section';
import { httpAuditConsole } from './http-audit-section';
import { writeAuditConsole } from './write-audit-section';
import { injectedText, networkFaultText, pastThresholdText, thresholdText } from './fault-figures';
import { count, msText, pct, phaseLabel, probeTimingText, seconds, signedPct } from './report-format';
import { staleWriterText } from './stale-writer';
import { failoverStagesLines } from './failover-stages-render';
import { httpConsoleLines } from './http-path-section';
import { noOutageAcross, type PathWriterChange, type WriterChangeReport } from './writer-change';
import { missingAttributesText } from '../../shared/search-attributes-missing';
import type { ExperimentReport, PathReport } from './report-types';

const capital = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

function recoveryText(c: PathReport['cycles'][number]): string {
  switch (c.recovery) {
    case 'recovered':
      return seconds(c.recoveryMs);
    case 'not-recovered':
      return 'NOT RECOVERED (still down when the measurement ended)';
    case 'up-before-restore':
      return '0.0 s (serving before the restore)';
    default:
      return '- (nothing restored)';
  }
}

function figureLines(path: PathReport): string[] {
  const o = path.overall;
  const l = o.total.latencyMs;
  return [
    `- Total operations: ${count(o.total.attempts)}`,
    `- Overall success rate: ${pct(o.total.successRate)}`,
    ...OPERATION_TYPES.map(
      (type) =>
        `- ${capital(type)} operations: ${count(o.byType[type].attempts)} (success rate: ${pct(o.byType[type].successRate)})`,
    ),
    `- Response time: avg ${msText(l.mean)} ms, p50 ${msText(l.p50)} ms, p95 ${msText(l.p95)} ms, p99 ${msText(l.p99)} ms, max ${msText(l.max)} ms`,
    `- TPS: ${o.tps}`,
  ];
}

function availabilityLines(report: ExperimentReport, path: PathReport): string[] {
  const open = path.openAtEnd ? ', the last one STILL OPEN at the end' : '';
  const lines = [`- Detected downtime: ${seconds(path.downtimeMs)} in ${path.downtimeWindows.length} window(s)${open}`];
  if (path.shards) {
    lines.push(
      `- Measured in ${path.shards.length} shards (downtime is their union): ` +
        path.shards
          .map(
            (s) =>
              `#${s.index + 1} on ${s.worker} (${shardClientText(s.measuredWith)}): ${count(s.attempts)} operations, ${seconds(s.downtimeMs)} down${s.gapMs > 0 ? `, ${seconds(s.gapMs)} unmeasured` : ''}`,
          )
          .join('; '),
    );
  }
  for (const g of path.gaps) {
    const span = seconds(Date.parse(g.end) - Date.parse(g.start));
    lines.push(
      g.shard === undefined
        ? `- MEASUREMENT GAP (${g.cause}): ${span} from ${g.start} to ${g.end}, measured neither up nor down`
        : `- INCOMPLETE (${g.cause}): shard #${g.shard} (${pct(g.share ?? null)} of the clients) measured nothing for ${span} from ${g.start} to ${g.end}; the figures there are the other shards' only`,
    );
  }
  if (path.downtimeInGapsMs > 0) {
    lines.push(
      `  ${seconds(path.downtimeInGapsMs)} of the downtime fell in gaps: no operation ran to close the window`,
    );
  }
  const h = path.held;
  if (h.count > 0) {
    lines.push(
      `- Held (outstanding > ${path.stallThresholdMs} ms, then served): ${count(h.count)} operations, held p50 ${msText(h.p50Ms)} ms, p99 ${msText(h.p99Ms)} ms, max ${msText(h.maxMs)} ms`,
    );
  }
  for (const c of path.cycles) {
    const d = c.detectedMinusGroundTruthMs;
    const vsTruth = d === null ? '' : ` (detected minus ground truth: ${d >= 0 ? '+' : ''}${(d / 1000).toFixed(2)} s)`;
    const label = report.cycles.length > 1 ? `Fault ${c.cycle}: ` : '';
    lines.push(
      `- ${label}downtime ${seconds(c.detectedDowntimeMs)}${vsTruth}; recovery after restore: ${recoveryText(c)}`,
    );
    if (c.note) lines.push(`  (${c.note})`);
    if (c.probe)
      lines.push(`  ground-truth probe while the fault landed${injectedAside(report)}: ${probeTimingText(c.probe)}`);
    if (c.pastStallThreshold) lines.push(`  ${pastThresholdText(c.pastStallThreshold)}`);
  }
  return lines;
}

/** " (injected: 400 ms added to every packet db receives ...)" beside the probe's round trips; "" for other faults. */
function injectedAside(report: ExperimentReport): string {
  const injected = injectedText(report.definition.fault);
  return injected ? ` (injected: ${injected})` : '';
}

function phaseLines(report: ExperimentReport, path: PathReport): string[] {
  const errors = Object.entries(path.overall.errors).map(
    ([cls, e]) => `${cls} ${e!.count} (${Object.keys(e!.sqlStates).join(', ')})`,
  );
  const lines = errors.length ? [`- Errors: ${errors.join('; ')}`] : [];
  if (report.definition.workload.custom?.length) {
    // Your own operations: each one's figures (the business mix is summed up by type above).
    lines.push('- By operation:');
    for (const [name, s] of Object.entries(path.overall.byOperation))
      lines.push(
        `    ${name.padEnd(22)} ${count(s!.attempts).padStart(8)} ops  ${pct(s!.successRate).padStart(6)} ok  p99 ${msText(s!.latencyMs.p99).padStart(8)} ms`,
      );
  }
  lines.push('- By phase:');
  for (const p of path.phases) {
    const past = p.total.pastStallThreshold;
    const held =
      (past ? `  ${count(past)} past ${thresholdText(path.stallThresholdMs)}` : '') +
      (p.held.count ? `  ${p.held.count} held` : '');
    const label = phaseLabel(p, report.cycles.length > 1).padEnd(22);
    lines.push(
      `    ${label} ${count(p.total.attempts).padStart(8)} ops  ${pct(p.total.successRate).padStart(6)} ok  p99 ${msText(p.total.latencyMs.p99).padStart(8)} ms  ${String(p.tps).padStart(8)} tps${held}`,
    );
  }
  return lines;
}

function pgbenchLines(path: PathReport): string[] {
  const b = path.pgbench;
  if (!b) return [];
  const restarts = b.restarts
    ? `; it stopped and was started again ${b.restarts} time(s), not running ${seconds(b.notRunningMs ?? 0)} in all`
    : '';
  return [
    `- pgbench background load (${b.clients} clients): ${count(b.transactions)} transactions, ${count(b.failed)} failed, ${b.tps} tps while running${restarts}`,
    ...(b.byPhase ?? []).map(
      (p) =>
        `    pgbench ${p.phase.padEnd(20)} ${count(p.transactions).padStart(8)} tx  ${count(p.failed).padStart(5)} failed  not running ${seconds(p.notRunningMs)}`,
    ),
  ];
}

function pathLines(report: ExperimentReport, path: PathReport): string[] {
  return [
    '',
    path.http ? `${path.path} (HTTP):` : `${path.path} connection:`,
    ...(path.http ? httpConsoleLines(path) : figureLines(path)),
    ...availabilityLines(report, path),
    ...phaseLines(report, path),
    ...pgbenchLines(path),
  ];
}

export function renderConsole(report: ExperimentReport): string {
  const d = report.definition;
  const w = d.workload;
  const lines = [
    `Faultline experiment report: ${report.name}`,
    '='.repeat(40),
    '',
    `Verdict: ${report.verdict.toUpperCase()} - ${report.verdictReason}`,
    '',
    'Configuration:',
    d.fault
      ? `- Fault: ${report.fault.kind} on ${report.fault.target} for ${d.durations.faultSeconds} s (warmup ${d.durations.warmupSeconds} s, recovery timeout ${d.durations.recoveryTimeoutSeconds} s)`
      : `- No fault (a baseline): measured for ${d.durations.faultSeconds} s after a warmup of ${d.durations.warmupSeconds} s`,
    `- Concurrent workers: ${w.concurrentWorkers}, pool ${w.poolSize}, think time ${w.thinkTimeSeconds.min}-${w.thinkTimeSeconds.max} s, stall threshold ${w.stallThresholdMs} ms`,
    ...configurationConsole(report),
  ];
  if (report.searchAttributesMissing)
    lines.push(`- Temporal: ${missingAttributesText(report.searchAttributesMissing)}`);
  if (report.cycles.length > 1)
    lines.push(`- Repeated: ${report.cycles.length} faults, every ${d.repeat?.everySeconds} s`);
  for (const c of report.cycles) {
    const label = report.cycles.length > 1 ? `Fault ${c.cycle}` : 'Ground truth';
    const truth =
      c.groundTruthDowntimeMs === null
        ? 'target not seen down by the probe'
        : `target down ${seconds(c.groundTruthDowntimeMs, 2)} (its longest path, by the probe; first seen down ${c.targetDownAt ?? '-'}, every path serving ${c.servingAgainAt ?? '-'})`;
    lines.push(
      `- ${label}: ${truth}; injected to serving again ${seconds(c.faultWindowMs)}; ${c.recoveredAt ? `recovered ${c.recoveredAt}` : 'steady state did not return in time'}`,
    );
    const network = networkFaultText(d.fault, c);
    if (network) lines.push(`  ${network}`);
  }
  if (report.rds) {
    lines.push(
      `- Aurora writer: ${report.rds.oldWriter} -> ${report.rds.newWriter}${report.rds.writerChanged ? '' : ' (unchanged)'}; ${report.rds.events.length} events recorded`,
    );
  }
  if (report.writerChange) lines.push(...writerChangeLines(report.writerChange));
  if (report.staleWriter) lines.push(`- Stale writer: ${report.staleWriter.map(staleWriterText).join('; ')}`);
  if (report.failoverStages?.length) lines.push(...failoverStagesLines(report.failoverStages));
  if (report.restore) lines.push(`- Restore: ${report.restore.note}`);
  lines.push(`- Downtime: ${report.downtimeDefinition}`);
  for (const path of report.paths) lines.push(...pathLines(report, path));
  const c = report.comparison;
  if (c) {
    lines.push('', `Performance comparison (${c.candidate} vs ${c.baseline}):`);
    lines.push(
      `- ${c.candidate} downtime reduction: ${c.downtimeReductionPct === null ? `n/a (no downtime on ${c.baseline})` : `${c.downtimeReductionPct}%`}`,
    );
    lines.push(`- ${c.candidate} transaction success rate change: ${signedPct(c.transactionSuccessRateChangePct)}`);
    lines.push(`- ${c.candidate} average response time change: ${signedPct(c.responseTimeChangePct)}`);
    lines.push(
      `- Held by ${c.candidate}: ${c.paths.map((p) => `${p.path} ${count(p.held.count)} held (max ${msText(p.held.maxMs)} ms), ${count(p.failedOperations)} failed`).join('; ')}`,
    );
    lines.push(`- ${c.finding}`);
  }
  lines.push(...paymentConsole(report), ...httpAuditConsole(report), ...writeAuditConsole(report));
  return `${lines.join('\n')}\n`;
}

/** "29 writes failed", "3 writes held", "29 writes failed, 3 held". */
function writesStopped(p: PathWriterChange): string {
  if (p.heldWrites === 0) return `${p.failedWrites} writes failed`;
  if (p.failedWrites === 0) return `${p.heldWrites} writes held`;
  return `${p.failedWrites} writes failed, ${p.heldWrites} held`;
}

function writerChangeLines(wc: WriterChangeReport): string[] {
  const lines: string[] = [];
  lines.push(
    `- Patroni ${wc.action} on ${wc.cluster}: leader ${wc.oldLeader} -> ${wc.newLeader ?? 'none elected'}${wc.leaderChangedAt ? ` (seen ${wc.leaderChangedAt}, promoted ${wc.promotedAt ?? '?'})` : ''}; timeline ${wc.timelineBefore ?? '?'} -> ${wc.timelineAfter ?? '?'}`,
  );
  for (const p of wc.paths) {
    lines.push(
      p.firstWriteAt === null
        ? `  - ${p.path}: ${p.writesFailedFrom ? `writes failing since ${p.writesFailedFrom}, none succeeded again` : noOutageAcross(p)}`
        : `  - ${p.path}: ${writesStopped(p)} from ${p.writesFailedFrom}; first write on the new writer ${p.firstWriteAt} (${seconds(p.afterInjectMs ?? 0, 2)} after the inject${p.afterLeaderChangeMs === null ? '' : `, ${seconds(p.afterLeaderChangeMs, 2)} after the leader change`})`,
    );
  }
  if (wc.pathsNotInCluster.length)
    lines.push(`  - not in the cluster (another database system): ${wc.pathsNotInCluster.join(', ')}`);
  if (wc.restoredCluster) lines.push(`  - after the restore: ${wc.restoredCluster.members}`);
  return lines;
}
