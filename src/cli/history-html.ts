/**
 * `faultline history --html FILE`: the trends of recurring drills as one self-contained page. Runs
 * are grouped by the schedule that started them, else by experiment name; per group, detected
 * downtime per path and success rate per path over the runs (oldest first, one point per run,
 * coloured by its verdict), then the runs as a table. No script, no external file. Pure.
 */
import { esc } from '../activities/report/html-escape';
import type { HistoryRow } from './history-row';

const VERDICT_COLOURS: Record<string, string> = {
  held: '#2e7d32',
  violated: '#c62828',
  aborted: '#ef6c00',
  'not-run': '#757575',
};
const PATH_COLOURS = ['#1565c0', '#6a1b9a', '#00838f', '#ad1457', '#4e342e'];
const W = 640;
const H = 180;
const L = 48;
const R = 12;
const T = 24;
const B = 24;

const groupOf = (r: HistoryRow) => (r.schedule ? `schedule ${r.schedule}` : (r.name ?? r.workflowId));

interface Series {
  title: string;
  unit: string;
  value: (r: HistoryRow, path: string) => number | null;
  format: (v: number) => string;
  cls: string;
}

function chart(runs: HistoryRow[], paths: string[], s: Series): string {
  const values = runs.flatMap((r) => paths.map((p) => s.value(r, p))).filter((v): v is number => v !== null);
  const max = Math.max(...values, s.unit === '%' ? 100 : 1);
  const x = (i: number) => L + (runs.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (runs.length - 1));
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const body = paths.map((path, k) => {
    const colour = PATH_COLOURS[k % PATH_COLOURS.length]!;
    const points = runs.map((r, i) => ({ r, i, v: s.value(r, path) })).filter((p) => p.v !== null);
    const line = points.map((p) => `${x(p.i).toFixed(1)},${y(p.v!).toFixed(1)}`).join(' ');
    const dots = points.map(
      (p) =>
        `<circle class="run" data-path="${esc(path)}" data-verdict="${esc(p.r.verdict ?? 'running')}" data-value="${p.v}" cx="${x(p.i).toFixed(1)}" cy="${y(p.v!).toFixed(1)}" r="4" fill="${VERDICT_COLOURS[p.r.verdict ?? ''] ?? '#90a4ae'}" stroke="${colour}"><title>${esc(path)}: ${s.format(p.v!)} (${esc(p.r.verdict ?? 'running')}, ${esc(p.r.startTime)})</title></circle>`,
    );
    return `<polyline class="path-line" fill="none" stroke="${colour}" stroke-width="1.5" points="${line}"/>${dots.join('')}<text x="${W - R}" y="${T - 8 + 0}" text-anchor="end" dy="${k * 12}" fill="${colour}" font-size="10">${esc(path)}</text>`;
  });
  return `<figure><svg class="trend ${s.cls}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(s.title)}">
<text x="${L}" y="14" font-size="12" font-weight="bold">${esc(s.title)}</text>
<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#999"/>
<text x="${L - 4}" y="${T + 4}" text-anchor="end" font-size="10">${s.format(max)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="10">0</text>
${body.join('\n')}</svg></figure>`;
}

function runsTable(runs: HistoryRow[], paths: string[]): string {
  const cell = (r: HistoryRow, p: string) =>
    `${r.downtimeMs?.[p] === undefined ? '-' : `${(r.downtimeMs[p] / 1000).toFixed(2)} s`} / ${r.successRate?.[p] === undefined ? '-' : `${(r.successRate[p] * 100).toFixed(1)} %`}`;
  const rows = [...runs]
    .reverse()
    .map(
      (r) =>
        `<tr><td>${esc(r.startTime)}</td><td class="verdict" style="color:${VERDICT_COLOURS[r.verdict ?? ''] ?? '#555'}">${esc(r.verdict ?? r.status.toLowerCase())}</td>${paths.map((p) => `<td>${esc(cell(r, p))}</td>`).join('')}<td>${esc(r.workflowId)}</td></tr>`,
    );
  return `<table><tr><th>started</th><th>verdict</th>${paths.map((p) => `<th>${esc(p)}: downtime / success</th>`).join('')}<th>workflow id</th></tr>${rows.join('')}</table>`;
}

function section(group: string, runs: HistoryRow[]): string {
  const paths = [...new Set(runs.flatMap((r) => Object.keys(r.downtimeMs ?? {})))].sort();
  const downtime: Series = {
    title: 'Detected downtime per path (s)',
    unit: 's',
    value: (r, p) => (r.downtimeMs?.[p] === undefined ? null : r.downtimeMs[p] / 1000),
    format: (v) => `${v.toFixed(2)} s`,
    cls: 'downtime',
  };
  const success: Series = {
    title: 'Success rate per path (%)',
    unit: '%',
    value: (r, p) => (r.successRate?.[p] === undefined ? null : r.successRate[p] * 100),
    format: (v) => `${v.toFixed(1)} %`,
    cls: 'success',
  };
  return `<section class="group" data-group="${esc(group)}"><h2>${esc(group)}</h2><p>${runs.length} runs, ${esc(runs[0]!.startTime)} to ${esc(runs[runs.length - 1]!.startTime)}</p>
${chart(runs, paths, downtime)}
${chart(runs, paths, success)}
${runsTable(runs, paths)}</section>`;
}

export function historyHtml(rows: HistoryRow[], generatedAt: Date): string {
  const groups = new Map<string, HistoryRow[]>();
  for (const r of [...rows].sort((a, b) => a.startTime.localeCompare(b.startTime))) {
    const key = groupOf(r);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const legend = Object.entries(VERDICT_COLOURS)
    .map(([v, c]) => `<span style="color:${c}">&#9679; ${esc(v)}</span>`)
    .join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>faultline: trends</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}svg.trend{width:100%;max-width:${W}px;background:#fafafa}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:left}section{margin-bottom:3em}</style></head>
<body><h1>Faultline: trends of recurring drills</h1><p>${rows.length} experiments, generated ${esc(generatedAt.toISOString())}. Points: ${legend}.</p>
${[...groups.entries()].map(([group, runs]) => section(group, runs)).join('\n')}
</body></html>
`;
}
