/**
 * The report's payment section (seed 000): per case (the experiment's phases) and channel, calls,
 * acknowledgements, outcomes, response times and retries; and the audit. Console and HTML forms.
 */
import type { PaymentAudit, PaymentCallStats, PaymentPhaseStats } from '../../shared/payment-types';
import { esc } from './html-escape';
import { msText } from './report-format';
import type { ExperimentReport } from './report-types';
import { writeAccountLines } from './write-account-lines';

const outcomes = (c: PaymentCallStats) =>
  Object.entries(c.outcomes)
    .map(([k, v]) => `${k}:${v}`)
    .join(' ') || '-';
const avgRetries = (c: PaymentCallStats) => {
  const answered = Object.values(c.retries.histogram).reduce((a, b) => a + b, 0);
  return answered ? (c.retries.total / answered).toFixed(2) : '-';
};
/** Rows by channel (HTTP first), then in the order the phases came. */
const ordered = (phases: PaymentPhaseStats[]) => {
  const order = [...new Set(phases.map((p) => p.phase))];
  return [...phases].sort((a, b) =>
    a.channel === b.channel ? order.indexOf(a.phase) - order.indexOf(b.phase) : a.channel === 'http' ? -1 : 1,
  );
};

function auditLines(audit: PaymentAudit, restoreRequestedAt: string | null): string[] {
  const after =
    audit.lastPendingCompletedAt && restoreRequestedAt
      ? ` (${((Date.parse(audit.lastPendingCompletedAt) - Date.parse(restoreRequestedAt)) / 1000).toFixed(1)} s after the restore began)`
      : '';
  return [
    ...writeAccountLines(audit, audit.holds, [
      `${audit.wrongAmount} wrong amount`,
      `${audit.stillPending} still pending`,
    ]),
    `accepted during the outage and completed after it: ${audit.acceptedDuringOutageCompletedAfter}`,
    `the last pending payment completed ${audit.lastPendingCompletedAt ?? '-'}${after}; pending when the audit began: ${audit.pendingAtStart} (waited ${(audit.waitedMs / 1000).toFixed(1)} s)`,
    ...audit.byChannel.map(
      (c) =>
        `${c.channel}: ${c.acknowledged} acknowledged, ${c.found} found, ${c.lost} lost, ${c.stillPending} still pending, ${c.acceptedDuringOutageCompletedAfter} accepted during the outage and completed after`,
    ),
    ...(audit.examples.length ? [`examples: ${audit.examples.join('; ')}`] : []),
  ];
}

const rowOf = (p: PaymentPhaseStats, call: 'create' | 'confirm') => {
  const c = p[call];
  const label =
    p.channel === 'http'
      ? call === 'create'
        ? 'POST /payments'
        : 'POST confirm'
      : call === 'create'
        ? 'start workflow'
        : 'workflow done';
  return { phase: p.phase, channel: p.channel, label, c };
};

export function paymentConsole(report: ExperimentReport): string[] {
  const payments = report.payments;
  if (!payments) return [];
  const w = payments.workload;
  const lines = [
    '',
    `Payment service: ${w.ratePerSecond} payments/s via ${w.channels.join(' and ')}${w.skipped ? ` (${w.skipped} skipped: client saturated)` : ''}`,
  ];
  if (payments.audit)
    lines.push(
      ...auditLines(payments.audit, report.timestamps.restoreRequestedAt).map((l, i) =>
        i === 0 ? `- Audit ${l}` : `  ${l}`,
      ),
    );
  else lines.push('- Audit: not run');
  lines.push('- By case (phase):');
  for (const p of ordered(w.phases)) {
    for (const call of ['create', 'confirm'] as const) {
      const { label, c } = rowOf(p, call);
      if (c.calls === 0) continue;
      lines.push(
        `    ${p.phase.padEnd(18)} ${label.padEnd(15)} ${String(c.calls).padStart(5)} calls ${String(c.acknowledged).padStart(5)} ok  p50 ${msText(c.latencyMs.p50).padStart(6)} ms  p99 ${msText(c.latencyMs.p99).padStart(6)} ms  retries avg ${avgRetries(c).padStart(4)} max ${c.retries.max}  ${outcomes(c)}`,
      );
    }
  }
  return lines;
}

export function paymentHtml(report: ExperimentReport): string {
  const payments = report.payments;
  if (!payments) return '';
  const w = payments.workload;
  const rows = ordered(w.phases)
    .flatMap((p) => (['create', 'confirm'] as const).map((call) => rowOf(p, call)))
    .filter((r) => r.c.calls > 0)
    .map(
      (r) =>
        `<tr><td>${esc(r.channel)}</td><td>${esc(r.phase)}</td><td>${esc(r.label)}</td><td>${r.c.calls}</td><td>${r.c.acknowledged}</td><td>${msText(r.c.latencyMs.p50)}</td><td>${msText(r.c.latencyMs.p95)}</td><td>${msText(r.c.latencyMs.p99)}</td><td>${msText(r.c.latencyMs.max)}</td><td>${avgRetries(r.c)}</td><td>${r.c.retries.max}</td><td>${esc(outcomes(r.c))}</td></tr>`,
    )
    .join('');
  const audit = payments.audit;
  return `<section class="payments"><h2>Payment service</h2>
<p>${w.ratePerSecond} payments/s via ${esc(w.channels.join(' and '))}${w.skipped ? `; ${w.skipped} skipped (client saturated)` : ''}.</p>
${
  audit
    ? `<p class="kpis"><span class="verdict ${audit.holds ? 'held' : 'violated'}">audit ${audit.holds ? 'holds' : 'violated'}</span><span><b>${audit.acknowledged}</b> acknowledged</span><span><b>${audit.found}</b> found</span><span><b>${audit.lost}</b> lost</span><span><b>${audit.duplicated}</b> duplicated</span><span><b>${audit.stillPending}</b> still pending</span><span><b>${audit.acceptedDuringOutageCompletedAfter}</b> accepted during the outage, completed after</span></p>
<ul>${auditLines(audit, report.timestamps.restoreRequestedAt)
        .slice(1)
        .map((l) => `<li>${esc(l)}</li>`)
        .join('')}</ul>`
    : '<p>The audit did not run.</p>'
}
<table class="calls"><caption>By channel and case (phase): response times in ms, retries by the service</caption><tr><th>channel</th><th>phase</th><th>call</th><th>calls</th><th>ok</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>retries avg</th><th>max</th><th>outcomes</th></tr>${rows}</table></section>`;
}
