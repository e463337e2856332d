/** The HTTP audit's part of the report (console and HTML): what each service acknowledged against its table. */
import type { HttpAuditResult } from '../../shared/http-audit-types';
import { esc } from './html-escape';
import { seconds } from './report-format';
import type { ExperimentReport } from './report-types';
import { writeAccountLines } from './write-account-lines';

function auditText(a: HttpAuditResult): string[] {
  return [
    ...writeAccountLines(a, a.holds),
    `checked through ${a.connection} at ${a.checkedAt}, after waiting ${seconds(a.waitedMs)} for writes to show`,
  ];
}

export function httpAuditConsole(report: ExperimentReport): string[] {
  return (report.httpAudits ?? []).flatMap((a) => [
    '',
    `HTTP audit of ${a.target} (${a.request}): what it acknowledged against its table`,
    ...auditText(a).map((l) => `- ${l}`),
    ...a.examples.map((e) => `    ${e}`),
  ]);
}

export function httpAuditHtml(report: ExperimentReport): string {
  return (report.httpAudits ?? [])
    .map(
      (a) => `<section class="audit"><h2>HTTP audit of ${esc(a.target)} (${esc(a.request)})</h2>
<ul>${auditText(a)
        .map((l, i) => `<li>${i === 0 ? `<b${a.holds ? '' : ' class="bad"'}>${esc(l)}</b>` : esc(l)}</li>`)
        .join('')}</ul>${a.examples.length ? `<pre>${esc(a.examples.join('\n'))}</pre>` : ''}</section>`,
    )
    .join('\n');
}
