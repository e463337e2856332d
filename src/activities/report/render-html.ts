/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
 * throughput and error rate over time (fault window shaded), latency percentiles by phase, and
 * the tables.
 */
import { OPERATION_TYPES } from '../../shared/workload-types';
import { esc } from './html-escape';
import { configurationHtml, shardsHtml } from './configuration-section';
import { paymentHtml } from './payment-section';
import { httpAuditHtml } from './http-audit-section';
import { writeAuditHtml } from './write-audit-section';
import { writerChangeHtml } from './writer-change-html';
import { staleWriterText } from './stale-writer';
import { failoverStagesHtml } from './failover-stages-render';
import { httpRequestsHtml } from './http-path-section';
import { phaseLatencyChart, timeChart } from './render-charts';
import { injectedText, networkFaultText, pastThresholdText } from './fault-figures';
import { count, msText, pct, phaseLabel, probeTimingText, seconds, signedPct } from './report-format';
import type { ExperimentReport, PathReport } from './report-types';
import { missingAttributesText } from '../../shared/search-attributes-missing';

function pgbenchTable(path: PathReport): string {
  const b = path.pgbench;
  if (!b) return '';
  const rows = (b.byPhase ?? [])
    .map(
      (p) =>
        `<tr><td>${esc(p.phase)}</td><td>${p.transactions}</td><td>${p.failed}</td><td>${seconds(p.notRunningMs, 1)}</td></tr>`,
    )
    .join('');
  return `<table class="pgbench"><caption>Background load: pgbench, ${b.clients} clients, ${b.transactions} transactions, ${b.failed} failed, ${b.tps} tps while running${b.restarts ? `, started again ${b.restarts} time(s)` : ''}</caption><tr><th>phase</th><th>transactions</th><th>failed</th><th>not running</th></tr>${rows}</table>`;
}

function recoveryCell(c: PathReport['cycles'][number]): string {
  if (c.recovery === 'not-recovered') return '<b class="bad">not recovered</b>';
  if (c.recovery === 'up-before-restore') return '0.00 s (serving before the restore)';
  if (c.recovery === 'no-restore') return '-';
  return seconds(c.recoveryMs, 2);
}

/** Under a path's cycle: the probe's round trips beside what was injected, and the operations past the threshold. */
function probeRows(report: ExperimentReport, c: PathReport['cycles'][number]): string {
  const injected = injectedText(report.definition.fault);
  const row = (text: string) => `<tr><td></td><td colspan="3" class="probe">${esc(text)}</td></tr>`;
  return (
    (c.probe
      ? row(
          `ground-truth probe while the fault landed${injected ? ` (injected: ${injected})` : ''}: ${probeTimingText(c.probe)}`,
        )
      : '') + (c.pastStallThreshold ? row(pastThresholdText(c.pastStallThreshold)) : '')
  );
}

/** A phase's successes past the stall threshold, and their share: "412 (3.2%)"; "-" when not counted. */
function pastCell(p: PathReport['phases'][number]): string {
  const past = p.total.pastStallThreshold;
  if (past === undefined) return '-';
  return `${count(past)} (${pct(p.total.successes > 0 ? past / p.total.successes : null)})`;
}

/** A database path's figures by operation type and by operation; an HTTP path's by request. */
function operationTables(path: PathReport): string {
  if (path.http) return httpRequestsHtml(path);
  const o = path.overall;
  const typeRows = OPERATION_TYPES.map((t) => {
    const s = o.byType[t];
    const l = s.latencyMs;
    return `<tr><td>${t}</td><td>${s.attempts}</td><td>${pct(s.successRate)}</td><td>${msText(l.mean)}</td><td>${msText(l.min)}</td><td>${msText(l.max)}</td><td>${msText(l.p50)}</td><td>${msText(l.p95)}</td><td>${msText(l.p99)}</td></tr>`;
  }).join('');
  const operationRows = Object.entries(o.byOperation)
    .map(([name, s]) => {
      const l = s!.latencyMs;
      return `<tr><td>${esc(name)}</td><td>${s!.attempts}</td><td>${pct(s!.successRate)}</td><td>${msText(l.mean)}</td><td>${msText(l.p50)}</td><td>${msText(l.p95)}</td><td>${msText(l.p99)}</td></tr>`;
    })
    .join('');
  return `<table><caption>By operation type (ms)</caption><tr><th>type</th><th>ops</th><th>success</th><th>avg</th><th>min</th><th>max</th><th>p50</th><th>p95</th><th>p99</th></tr>${typeRows}</table>
<table><caption>By operation (ms)</caption><tr><th>operation</th><th>ops</th><th>success</th><th>avg</th><th>p50</th><th>p95</th><th>p99</th></tr>${operationRows}</table>`;
}

function pathTables(report: ExperimentReport, path: PathReport): string {
  const o = path.overall;
  const repeated = report.cycles.length > 1;
  const phaseRows = path.phases
    .map(
      (p) =>
        `<tr><td>${esc(phaseLabel(p, repeated))}</td><td>${(p.durationMs / 1000).toFixed(1)} s</td><td>${p.total.attempts}</td><td>${pct(p.total.successRate)}</td><td>${p.tps}</td><td>${msText(p.total.latencyMs.p50)}</td><td>${msText(p.total.latencyMs.p95)}</td><td>${msText(p.total.latencyMs.p99)}</td><td>${pastCell(p)}</td><td>${p.held.count}</td></tr>`,
    )
    .join('');
  const cycleRows = path.cycles
    .map(
      (c) =>
        `<tr><td>${c.cycle}</td><td>${seconds(c.detectedDowntimeMs, 2)}</td><td>${c.detectedMinusGroundTruthMs === null ? '-' : `${c.detectedMinusGroundTruthMs >= 0 ? '+' : ''}${(c.detectedMinusGroundTruthMs / 1000).toFixed(2)} s`}</td><td>${recoveryCell(c)}</td></tr>${c.note ? `<tr><td></td><td colspan="3" class="note">${esc(c.note)}</td></tr>` : ''}${probeRows(report, c)}`,
    )
    .join('');
  const windowRows = path.downtimeWindows
    .slice(0, 50)
    .map(
      (w) =>
        `<tr><td>${esc(w.start)}</td><td>${w.end === null ? '<b class="bad">still open</b>' : esc(w.end)}</td><td>${seconds(w.durationMs, 2)}</td><td>${w.failures}</td><td>${w.stalls}</td></tr>`,
    )
    .join('');
  const errorRows = Object.entries(o.errors)
    .map(
      ([cls, e]) =>
        `<tr><td>${esc(cls)}</td><td>${e!.count}</td><td>${esc(
          Object.entries(e!.sqlStates)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', '),
        )}</td><td>${esc(e!.example)}</td></tr>`,
    )
    .join('');
  const recovery = path.cycles.some((c) => c.recovery === 'not-recovered')
    ? '<span><b class="bad">not recovered</b></span>'
    : path.recoveryMs !== null
      ? `<span><b>${seconds(path.recoveryMs, 2)}</b> recovery after restore</span>`
      : '';
  return `<section class="path"><h2>${esc(path.path)}${path.http ? ' (HTTP)' : ''}</h2>
<p class="kpis"><span><b>${o.total.attempts.toLocaleString('en-US')}</b> operations</span><span><b>${pct(o.total.successRate)}</b> success</span><span><b>${o.tps}</b> TPS</span><span><b>${seconds(path.downtimeMs, 2)}</b> detected downtime${path.openAtEnd ? ' (still open at the end)' : ''}</span><span><b>${path.held.count}</b> held (max ${msText(path.held.maxMs)} ms)</span>${recovery}</p>
${operationTables(path)}
<table><caption>By phase</caption><tr><th>phase</th><th>span</th><th>ops</th><th>success</th><th>TPS</th><th>p50</th><th>p95</th><th>p99</th><th>past ${path.stallThresholdMs} ms</th><th>held</th></tr>${phaseRows}</table>${shardsHtml(path)}
${gapsHtml(path)}
${cycleRows ? `<table><caption>Per fault: detected downtime against the ground truth, recovery after the restore</caption><tr><th>fault</th><th>detected</th><th>detected - ground truth</th><th>recovery</th></tr>${cycleRows}</table>` : ''}
${windowRows ? `<table class="windows"><caption>Downtime windows${path.downtimeWindows.length > 50 ? ` (first 50 of ${path.downtimeWindows.length})` : ''}</caption><tr><th>from</th><th>to</th><th>duration</th><th>${path.http ? 'failed or refused' : 'failed'}</th><th>stalled</th></tr>${windowRows}</table>` : ''}
${pgbenchTable(path)}
${errorRows ? `<table><caption>Errors by class</caption><tr><th>class</th><th>count</th><th>${path.http ? 'code (HTTP status)' : 'SQLSTATE'}</th><th>example</th></tr>${errorRows}</table>` : '<p>No errors.</p>'}
</section>`;
}

function comparisonSection(report: ExperimentReport): string {
  const c = report.comparison;
  if (!c) return '';
  const rows = c.paths
    .map(
      (p) =>
        `<tr><td>${esc(p.path)}</td><td>${p.totalOperations}</td><td>${pct(p.successRate)}</td>${OPERATION_TYPES.map((t) => `<td>${pct(p.successRateByType[t])}</td>`).join('')}<td>${msText(p.averageResponseMs)}</td><td>${seconds(p.downtimeMs, 2)}</td><td>${p.failedOperations}</td><td>${p.held.count}</td><td>${msText(p.held.maxMs)}</td></tr>`,
    )
    .join('');
  return `<section class="comparison"><h2>${esc(c.candidate)} vs ${esc(c.baseline)}</h2>
<p class="kpis"><span><b>${c.downtimeReductionPct === null ? 'n/a' : `${c.downtimeReductionPct}%`}</b> downtime reduction</span><span><b>${signedPct(c.transactionSuccessRateChangePct)}</b> transaction success rate</span><span><b>${signedPct(c.responseTimeChangePct)}</b> average response time</span></p>
<p class="finding">${esc(c.finding)}</p>
<table><tr><th>path</th><th>ops</th><th>success</th>${OPERATION_TYPES.map((t) => `<th>${t}</th>`).join('')}<th>avg ms</th><th>downtime</th><th>failed</th><th>held</th><th>held max ms</th></tr>${rows}</table></section>`;
}

function gapsHtml(path: PathReport): string {
  const whole = path.gaps.filter((g) => g.shard === undefined);
  const partial = path.gaps.filter((g) => g.shard !== undefined);
  const span = (g: PathReport['gaps'][number]) => seconds(Date.parse(g.end) - Date.parse(g.start), 1);
  return (
    (whole.length
      ? `<p class="bad">Measurement gap${whole.length > 1 ? 's' : ''}: ${whole.map((g) => `${esc(g.cause)}, ${span(g)} from ${esc(g.start)}`).join('; ')}. Nothing measured this path there; ${seconds(path.downtimeInGapsMs, 1)} of its downtime fell in ${whole.length > 1 ? 'them' : 'it'}.</p>`
      : '') +
    (partial.length
      ? `<p class="bad">Incomplete: ${partial.map((g) => `shard #${g.shard} (${pct(g.share ?? null)} of the clients) measured nothing for ${span(g)} from ${esc(g.start)} (${esc(g.cause)})`).join('; ')}. The figures there are the other shards' only.</p>`
      : '')
  );
}

function networkRow(report: ExperimentReport, c: ExperimentReport['cycles'][number]): string {
  const text = networkFaultText(report.definition.fault, c);
  return text ? `<tr><td></td><td colspan="6" class="probe">${esc(text)}</td></tr>` : '';
}

function groundTruthTable(report: ExperimentReport): string {
  if (report.cycles.length === 0) return '';
  const rows = report.cycles
    .map(
      (c) =>
        `<tr><td>${c.cycle}</td><td>${esc(c.injectRequestedAt)}</td><td>${esc(c.targetDownAt ?? '-')}</td><td>${esc(c.restoreRequestedAt ?? '-')}</td><td>${esc(c.servingAgainAt ?? '-')}</td><td>${seconds(c.groundTruthDowntimeMs, 2)}</td><td>${esc(c.recoveredAt ?? 'not recovered')}</td></tr>${networkRow(report, c)}`,
    )
    .join('');
  return `<table class="cycles"><tr><th>fault</th><th>injected</th><th>down (probe)</th><th>restore</th><th>serving again (probe)</th><th>down for</th><th>steady state again</th></tr>${rows}</table>`;
}

export function renderHtml(report: ExperimentReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faultline: ${esc(report.name)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827;max-width:920px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.held{background:#059669}.violated{background:#dc2626}.aborted{background:#d97706}.not-run{background:#6b7280}
table{border-collapse:collapse;margin:10px 0;width:100%}caption{text-align:left;font-weight:600;padding:4px 0}
td,th{border-bottom:1px solid #e5e7eb;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
.kpis span{display:inline-block;margin-right:18px}.chart{width:100%;height:auto;font-size:11px;fill:#374151}
.chart .title{font-weight:600;font-size:12px}.grid{stroke:#e5e7eb}.line{fill:none;stroke-width:1.8}.fault{fill:#ef4444;opacity:.12}.gap{fill:#6b7280;opacity:.25}.stage{stroke:#7c3aed;stroke-dasharray:4 3}
.bad{color:#dc2626}.none{fill:#6b7280;font-style:italic}.finding{font-weight:600}
.calls td,.calls th{white-space:nowrap;overflow-wrap:normal;font-size:13px;padding:3px 5px}.calls td:nth-child(-n+3),.calls th:nth-child(-n+3){text-align:left}
figure{margin:12px 0}.muted{color:#6b7280}pre{overflow:auto;background:#f9fafb;padding:8px}td{overflow-wrap:anywhere}
</style></head><body>
<h1>${esc(report.name)}</h1>
<p><span class="verdict ${esc(report.verdict)}">${esc(report.verdict)}</span> ${esc(report.verdictReason)}</p>
<p class="muted">Experiment ${esc(report.experimentId)} · ${esc(report.fault.kind)} on ${esc(report.fault.target)} · ${esc(report.startedAt)} to ${esc(report.endedAt)}${report.faultWindowMs !== null ? ` · fault window ${(report.faultWindowMs / 1000).toFixed(2)} s (ground truth)` : ''}</p>
${report.searchAttributesMissing ? `<p class="muted">Temporal: ${esc(missingAttributesText(report.searchAttributesMissing))}.</p>` : ''}
${timeChart(report, 'Throughput (operations served per second)', (s) => s.ops - s.errors - s.refused, 'ops/s')}
${timeChart(report, 'Error rate (failures; expected refusals apart)', (s) => (s.ops ? s.errors / s.ops : 0), '%')}
${
  report.paths.some((p) => p.timeline.buckets.some((b) => b.refused))
    ? timeChart(
        report,
        'Refusal rate (expected refusals, e.g. 503 with Retry-After)',
        (s) => (s.ops ? s.refused / s.ops : 0),
        '%',
      )
    : ''
}
${phaseLatencyChart(report)}
${comparisonSection(report)}
${paymentHtml(report)}
${httpAuditHtml(report)}
${writeAuditHtml(report)}
<h2>Configuration</h2>
${configurationHtml(report)}
<p class="definition"><b>Downtime.</b> ${esc(report.downtimeDefinition)}</p>
${report.paths.map((p) => pathTables(report, p)).join('\n')}
<h2>Timeline (ground truth)</h2>${groundTruthTable(report)}
${report.restore ? `<p>Restore: ${esc(report.restore.note)}.</p>` : ''}
${
  report.rds
    ? `<h2>Aurora failover</h2><p>Writer <b>${esc(report.rds.oldWriter)}</b> &rarr; <b>${esc(report.rds.newWriter)}</b>${report.rds.writerChangedAt ? ` at ${esc(report.rds.writerChangedAt)}` : ' (unchanged)'}; available again at ${esc(report.rds.availableAt)}.</p>
<table class="events"><tr><th>time</th><th>source</th><th>event</th></tr>${report.rds.events.map((e) => `<tr><td>${esc(e.at)}</td><td>${esc(e.source)}</td><td>${esc(e.message)}</td></tr>`).join('')}</table>`
    : ''
}
${report.writerChange ? writerChangeHtml(report.writerChange) : ''}
${report.staleWriter ? `<h2>Stale writer</h2><ul class="stale-writer">${report.staleWriter.map((w) => `<li>${esc(staleWriterText(w))}</li>`).join('')}</ul>` : ''}
${report.failoverStages?.length ? failoverStagesHtml(report.failoverStages) : ''}
<h2>Definition</h2><pre>${esc(JSON.stringify(report.definition, null, 2))}</pre>
</body></html>
`;
}
