/** The console summary, in the spirit of seed 001's example report. */
import { OPERATION_TYPES } from '../../shared/workload-types';
import { paymentConsole } from './payment-section';
import type { ExperimentReport } from './report-model';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const n = (x: number) => x.toLocaleString('en-US');
const sec = (msValue: number) => `${(msValue / 1000).toFixed(1)} s`;

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
    `- Concurrent workers: ${w.concurrentWorkers}, pool ${w.poolSize}, think time ${w.thinkTimeSeconds.min}-${w.thinkTimeSeconds.max} s`,
    `- Operation weights: read ${w.weights.read}% write ${w.weights.write}% transaction ${w.weights.transaction}%`,
  ];
  if (report.faultWindowMs !== null) lines.push(`- Ground truth: injected to serving again in ${sec(report.faultWindowMs)}${report.restore ? ` (restore: ${report.restore.action})` : ''}`);
  if (report.rds) {
    lines.push(`- Aurora writer: ${report.rds.oldWriter} -> ${report.rds.newWriter}${report.rds.writerChanged ? '' : ' (unchanged)'}; ${report.rds.events.length} events recorded`);
  }
  if (report.restore) lines.push(`- Restore: ${report.restore.note}`);
  if (report.cycles) {
    lines.push(`- Repeated: ${report.cycles.length} faults, every ${d.repeat?.everySeconds} s`);
    for (const c of report.cycles) {
      lines.push(`    fault ${String(c.cycle).padStart(2)}: injected ${c.injectRequestedAt}, serving again after ${c.faultWindowMs === null ? '-' : sec(c.faultWindowMs)}, ${c.recoveredAt ? `recovered ${c.recoveredAt}` : 'did not recover in time'}`);
    }
  }
  for (const path of report.paths) {
    const o = path.overall;
    lines.push('', `${path.path} connection:`);
    lines.push(`- Total operations: ${n(o.total.attempts)}`);
    lines.push(`- Overall success rate: ${pct(o.total.successRate)}`);
    for (const type of OPERATION_TYPES) {
      lines.push(`- ${type[0]!.toUpperCase()}${type.slice(1)} operations: ${n(o.byType[type].attempts)} (success rate: ${pct(o.byType[type].successRate)})`);
    }
    lines.push(`- Response time: avg ${o.total.latencyMs.mean.toFixed(1)} ms, p50 ${o.total.latencyMs.p50} ms, p95 ${o.total.latencyMs.p95} ms, p99 ${o.total.latencyMs.p99} ms, max ${o.total.latencyMs.max} ms`);
    lines.push(`- TPS: ${o.tps}`);
    lines.push(`- Detected downtime: ${sec(path.downtimeMs)} in ${path.downtimeWindows.length} window(s)`);
    if (path.recoveryMs !== null) lines.push(`- Recovery after restore: ${sec(path.recoveryMs)}`);
    const errors = Object.entries(o.errors).map(([cls, e]) => `${cls} ${e!.count} (${Object.keys(e!.sqlStates).join(', ')})`);
    if (errors.length) lines.push(`- Errors: ${errors.join('; ')}`);
    lines.push('- By phase:');
    for (const p of path.phases) {
      lines.push(`    ${p.phase.padEnd(18)} ${n(p.total.attempts).padStart(8)} ops  ${pct(p.total.successRate).padStart(6)} ok  p99 ${String(p.total.latencyMs.p99).padStart(8)} ms  ${String(p.tps).padStart(8)} tps`);
    }
  }
  const c = report.comparison;
  if (c) {
    const signed = (x: number | null, unit = '%') => (x === null ? 'n/a' : `${x > 0 ? '+' : ''}${x}${unit}`);
    lines.push('', `Performance comparison (${c.candidate} vs ${c.baseline}):`);
    lines.push(`- ${c.candidate} downtime reduction: ${c.downtimeReductionPct === null ? 'n/a (no downtime on ' + c.baseline + ')' : `${c.downtimeReductionPct}%`}`);
    lines.push(`- ${c.candidate} transaction success rate change: ${signed(c.transactionSuccessRateChangePct)}`);
    lines.push(`- ${c.candidate} average response time change: ${signed(c.responseTimeChangePct)}`);
  }
  lines.push(...paymentConsole(report));
  return `${lines.join('\n')}\n`;
}
