/** The business-write audit's part of the report (console and HTML): each path's writes against the writer. */
import type { BusinessWriteAudit } from '../../shared/business-write-audit-types';
import { esc } from './html-escape';
import { count, seconds } from './report-format';
import type { ExperimentReport } from './report-types';
import { writeAccountLines } from './write-account-lines';

function auditText(a: BusinessWriteAudit): string[] {
  const k = a.kinds;
  return [
    ...writeAccountLines(a, a.holds, [`${count(a.partialPurchases)} partial purchases`]),
    ...(a.lostSpan ? [recoveryPoint(a, a.lostSpan)] : []),
    `acknowledged: ${count(k.create_order.acknowledged)} orders, ${count(k.insert_log.acknowledged)} logs, ${count(k.purchase.acknowledged)} purchases (a purchase: its confirmed order and its log, all or nothing); refused: ${count(a.refused)} purchases out of stock`,
    `read on the writer ${a.writer} through ${a.connection} at ${a.checkedAt} (${seconds(a.waitedMs)})`,
  ];
}

/** The recovery point both ways: the writes lost, and the time they were made in. */
const recoveryPoint = (a: BusinessWriteAudit, span: { from: string; to: string }) =>
  `recovery point: ${count(a.lost)} acknowledged writes lost, made between ${span.from} and ${span.to} (${seconds(Date.parse(span.to) - Date.parse(span.from))})`;

const audits = (report: ExperimentReport) => report.writeAudits ?? [];

export function writeAuditConsole(report: ExperimentReport): string[] {
  const errors = (report.writeAuditErrors ?? []).map((e) => `- COULD NOT RUN: ${e}`);
  if (!audits(report).length && !errors.length) return [];
  return [
    '',
    'Business-write audit: every order, log and purchase the workload made, against the writer',
    ...audits(report).flatMap((a) => [
      `${a.path}:`,
      ...auditText(a).map((l) => `- ${l}`),
      ...a.examples.map((e) => `    ${e}`),
    ]),
    ...errors,
  ];
}

export function writeAuditHtml(report: ExperimentReport): string {
  const errors = (report.writeAuditErrors ?? []).map((e) => `<li><b class="bad">could not run</b>: ${esc(e)}</li>`);
  if (!audits(report).length && !errors.length) return '';
  const sections = audits(report).map(
    (a) => `<h3>${esc(a.path)}</h3>
<ul>${auditText(a)
      .map((l, i) => `<li>${i === 0 ? `<b${a.holds ? '' : ' class="bad"'}>${esc(l)}</b>` : esc(l)}</li>`)
      .join('')}</ul>${a.examples.length ? `<pre>${esc(a.examples.join('\n'))}</pre>` : ''}`,
  );
  return `<section class="audit"><h2>Business-write audit</h2>
<p>Every order, log and purchase the workload made, against the writer.</p>
${sections.join('\n')}${errors.length ? `<ul>${errors.join('')}</ul>` : ''}</section>`;
}
