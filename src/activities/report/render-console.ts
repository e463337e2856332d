/** The console summary, in the spirit of seed 001's example report. */
import { OPERATION_TYPES } from '../../shared/workload-types';
import { paymentConsole } from './payment-section';
import { count, msText, pct, phaseLabel, seconds, signedPct } from './report-format';
import type { ExperimentReport, PathReport } from './report-model';

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

function pathLines(report: ExperimentReport, path: PathReport): string[] {
  const o = path.overall;
  const repeated = report.cycles.length > 1;
  const lines = ['', `${path.path} connection:`];
  lines.push(`- Total operations: ${count(o.total.attempts)}`);
  lines.push(`- Overall success rate: ${pct(o.total.successRate)}`);
  for (const type of OPERATION_TYPES) {
    lines.push(`- ${capital(type)} operations: ${count(o.byType[type].attempts)} (success rate: ${pct(o.byType[type].successRate)})`);
  }
  const l = o.total.latencyMs;
  lines.push(`- Response time: avg ${msText(l.mean)} ms, p50 ${msText(l.p50)} ms, p95 ${msText(l.p95)} ms, p99 ${msText(l.p99)} ms, max ${msText(l.max)} ms`);
  lines.push(`- TPS: ${o.tps}`);
  const open = path.openAtEnd ? ', the last one STILL OPEN at the end' : '';
  lines.push(`- Detected downtime: ${seconds(path.downtimeMs)} in ${path.downtimeWindows.length} window(s)${open}`);
  for (const g of path.gaps) {
    lines.push(`- MEASUREMENT GAP (${g.cause}): ${seconds(Date.parse(g.end) - Date.parse(g.start))} from ${g.start} to ${g.end}, measured neither up nor down`);
  }
  if (path.downtimeInGapsMs > 0) lines.push(`  ${seconds(path.downtimeInGapsMs)} of the downtime fell in gaps: no operation ran to close the window`);
  if (path.held.count > 0) {
    lines.push(`- Held (outstanding > ${path.stallThresholdMs} ms, then served): ${count(path.held.count)} operations, held p50 ${msText(path.held.p50Ms)} ms, p99 ${msText(path.held.p99Ms)} ms, max ${msText(path.held.maxMs)} ms`);
  }
  for (const c of path.cycles) {
    const vsTruth = c.detectedMinusGroundTruthMs === null ? '' : ` (detected minus ground truth: ${c.detectedMinusGroundTruthMs >= 0 ? '+' : ''}${(c.detectedMinusGroundTruthMs / 1000).toFixed(2)} s)`;
    lines.push(`- ${repeated ? `Fault ${c.cycle}: ` : ''}downtime ${seconds(c.detectedDowntimeMs)}${vsTruth}; recovery after restore: ${recoveryText(c)}`);
    if (c.note) lines.push(`  (${c.note})`);
  }
  const errors = Object.entries(o.errors).map(([cls, e]) => `${cls} ${e!.count} (${Object.keys(e!.sqlStates).join(', ')})`);
  if (errors.length) lines.push(`- Errors: ${errors.join('; ')}`);
  lines.push('- By phase:');
  for (const p of path.phases) {
    const held = p.held.count ? `  ${p.held.count} held` : '';
    lines.push(`    ${phaseLabel(p, repeated).padEnd(22)} ${count(p.total.attempts).padStart(8)} ops  ${pct(p.total.successRate).padStart(6)} ok  p99 ${msText(p.total.latencyMs.p99).padStart(8)} ms  ${String(p.tps).padStart(8)} tps${held}`);
  }
  if (path.pgbench) {
    const b = path.pgbench;
    const restarts = b.restarts ? `; it stopped and was started again ${b.restarts} time(s), not running ${seconds(b.notRunningMs ?? 0)} in all` : '';
    lines.push(`- pgbench background load (${b.clients} clients): ${count(b.transactions)} transactions, ${count(b.failed)} failed, ${b.tps} tps while running${restarts}`);
    for (const p of b.byPhase ?? []) {
      lines.push(`    pgbench ${p.phase.padEnd(20)} ${count(p.transactions).padStart(8)} tx  ${count(p.failed).padStart(5)} failed  not running ${seconds(p.notRunningMs)}`);
    }
  }
  return lines;
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
    `- Operation weights: read ${w.weights.read}% write ${w.weights.write}% transaction ${w.weights.transaction}%`,
  ];
  if (report.cycles.length > 1) lines.push(`- Repeated: ${report.cycles.length} faults, every ${d.repeat?.everySeconds} s`);
  for (const c of report.cycles) {
    const label = report.cycles.length > 1 ? `Fault ${c.cycle}` : 'Ground truth';
    const truth = c.groundTruthDowntimeMs === null ? 'target not seen down by the probe' : `target down ${seconds(c.groundTruthDowntimeMs, 2)} (probe: ${c.targetDownAt} to ${c.servingAgainAt})`;
    lines.push(`- ${label}: ${truth}; injected to serving again ${seconds(c.faultWindowMs)}; ${c.recoveredAt ? `recovered ${c.recoveredAt}` : 'steady state did not return in time'}`);
  }
  if (report.rds) {
    lines.push(`- Aurora writer: ${report.rds.oldWriter} -> ${report.rds.newWriter}${report.rds.writerChanged ? '' : ' (unchanged)'}; ${report.rds.events.length} events recorded`);
  }
  if (report.restore) lines.push(`- Restore: ${report.restore.note}`);
  lines.push(`- Downtime: ${report.downtimeDefinition}`);
  for (const path of report.paths) lines.push(...pathLines(report, path));
  const c = report.comparison;
  if (c) {
    lines.push('', `Performance comparison (${c.candidate} vs ${c.baseline}):`);
    lines.push(`- ${c.candidate} downtime reduction: ${c.downtimeReductionPct === null ? `n/a (no downtime on ${c.baseline})` : `${c.downtimeReductionPct}%`}`);
    lines.push(`- ${c.candidate} transaction success rate change: ${signedPct(c.transactionSuccessRateChangePct)}`);
    lines.push(`- ${c.candidate} average response time change: ${signedPct(c.responseTimeChangePct)}`);
    lines.push(`- Held by ${c.candidate}: ${c.paths.map((p) => `${p.path} ${count(p.held.count)} held (max ${msText(p.held.maxMs)} ms), ${count(p.failedOperations)} failed`).join('; ')}`);
    lines.push(`- ${c.finding}`);
  }
  lines.push(...paymentConsole(report));
  return `${lines.join('\n')}\n`;
}
