/** The report's SVG charts: throughput and error rate over time (faults and gaps shaded), latency by phase. */
import { esc } from './html-escape';
import { phaseLabel } from './report-format';
import type { ExperimentReport, PathReport } from './report-types';

const COLORS = ['#2563eb', '#d97706', '#059669', '#9333ea', '#dc2626', '#0891b2', '#65a30d', '#db2777'];
const color = (i: number) => COLORS[i % COLORS.length]!;

type Counts = { ops: number; errors: number; refused: number };
type Second = Counts & { t: number };

/** Per-second series of a path's timeline: operations, failures, and expected refusals (HTTP). */
function perSecond(path: PathReport): Second[] {
  const bySecond = new Map<number, Counts>();
  for (const b of path.timeline.buckets) {
    const t = b.t - (b.t % 1000);
    const s = bySecond.get(t) ?? { ops: 0, errors: 0, refused: 0 };
    s.ops += b.ops;
    s.errors += b.errors;
    s.refused += b.refused ?? 0;
    bySecond.set(t, s);
  }
  return [...bySecond].sort((a, b) => a[0] - b[0]).map(([t, s]) => ({ t, ...s }));
}

/** A chart's frame: its size and its scales. */
interface Frame {
  W: number;
  H: number;
  L: number;
  R: number;
  T: number;
  B: number;
  t0: number;
  t1: number;
  vmax: number;
  x: (t: number) => number;
  y: (v: number) => number;
}

function frameOf(all: Second[], value: (s: Second) => number): Frame {
  const [W, H, L, R, T, B] = [860, 220, 56, 12, 24, 30];
  const t0 = Math.min(...all.map((s) => s.t));
  const t1 = Math.max(...all.map((s) => s.t)) + 1000;
  const vmax = Math.max(1e-9, ...all.map(value)) * 1.1;
  return {
    W,
    H,
    L,
    R,
    T,
    B,
    t0,
    t1,
    vmax,
    x: (t) => L + ((t - t0) / (t1 - t0)) * (W - L - R),
    y: (v) => T + (1 - v / vmax) * (H - T - B),
  };
}

/** Every fault window (red) and measurement gap (grey), shaded. */
function shading(report: ExperimentReport, f: Frame): string {
  const rect = (cls: string, from: number, to: number, title: string) =>
    `<rect class="${cls}" x="${f.x(from).toFixed(1)}" y="${f.T}" width="${Math.max(1, f.x(to) - f.x(from)).toFixed(1)}" height="${f.H - f.T - f.B}"><title>${esc(title)}</title></rect>`;
  const faults = report.cycles.map((c) =>
    rect(
      'fault',
      Math.max(Date.parse(c.injectRequestedAt), f.t0),
      Math.min(c.servingAgainAt ? Date.parse(c.servingAgainAt) : f.t1, f.t1),
      'fault window',
    ),
  );
  const gaps = report.paths
    .flatMap((p) => p.gaps)
    .map((g) => ({ from: Math.max(Date.parse(g.start), f.t0), to: Math.min(Date.parse(g.end), f.t1), cause: g.cause }))
    .filter((g) => g.to > g.from)
    .map((g) => rect('gap', g.from, g.to, `measurement gap (${g.cause})`));
  return faults.join('') + gaps.join('') + stageLines(report, f);
}

/** A writer change's cluster-wide stages (the old leader lost, the new writer promoted), as dashed lines. */
function stageLines(report: ExperimentReport, f: Frame): string {
  const stages = report.failoverStages?.[0]?.stages ?? [];
  return stages
    .filter((s) => (s.stage === 'leader lost' || s.stage === 'new writer promoted') && s.at !== null)
    .map((s) => ({ s, t: Date.parse(s.at!) }))
    .filter(({ t }) => t >= f.t0 && t <= f.t1)
    .map(
      ({ s, t }) =>
        `<line class="stage" data-stage="${esc(s.stage)}" x1="${f.x(t).toFixed(1)}" x2="${f.x(t).toFixed(1)}" y1="${f.T}" y2="${f.H - f.B}"><title>${esc(`${s.stage}: ${s.detail}`)}</title></line>`,
    )
    .join('');
}

function axes(f: Frame, unit: string): string {
  const ticks = Array.from({ length: 5 }, (_, i) => (f.vmax / 1.1) * (i / 4));
  const label = (v: number) => (unit === '%' ? `${(v * 100).toFixed(0)}%` : v.toFixed(0));
  const yAxis = ticks
    .map(
      (v) =>
        `<line class="grid" x1="${f.L}" x2="${f.W - f.R}" y1="${f.y(v).toFixed(1)}" y2="${f.y(v).toFixed(1)}"/><text x="${f.L - 6}" y="${(f.y(v) + 4).toFixed(1)}" text-anchor="end">${label(v)}</text>`,
    )
    .join('');
  const span = (f.t1 - f.t0) / 1000;
  const step = Math.max(1, Math.ceil(span / 10));
  const xAxis = Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => i * step)
    .map((s) => `<text x="${f.x(f.t0 + s * 1000).toFixed(1)}" y="${f.H - 10}" text-anchor="middle">${s}s</text>`)
    .join('');
  return yAxis + xAxis;
}

export function timeChart(report: ExperimentReport, title: string, value: (s: Counts) => number, unit: string): string {
  const series = report.paths.map((p) => perSecond(p));
  const all = series.flat();
  if (all.length === 0) return `<p class="empty">${esc(title)}: no measurements</p>`;
  const f = frameOf(all, value);
  const lines = series
    .map((points, i) => {
      const d = points
        .map((s, j) => `${j ? 'L' : 'M'}${f.x(s.t + 500).toFixed(1)},${f.y(value(s)).toFixed(1)}`)
        .join('');
      return `<path class="line" data-path="${esc(report.paths[i]!.path)}" d="${d}" stroke="${color(i)}"/>`;
    })
    .join('');
  const hasGaps = report.paths.some((p) => p.gaps.length > 0);
  const legend = report.paths.map((p, i) => `<tspan fill="${color(i)}">&#9632; ${esc(p.path)}</tspan>`).join('  ');
  return `<figure><svg class="chart" viewBox="0 0 ${f.W} ${f.H}" role="img" aria-label="${esc(title)}">
<text class="title" x="${f.L}" y="14">${esc(title)}</text><text class="legend" x="${f.W - f.R}" y="14" text-anchor="end">${legend} <tspan fill="#ef4444">&#9632; fault window</tspan>${hasGaps ? ' <tspan fill="#6b7280">&#9632; measurement gap</tspan>' : ''}${report.failoverStages?.length ? ' <tspan fill="#7c3aed">&#9478; leader lost, promoted</tspan>' : ''}</text>
${shading(report, f)}${axes(f, unit)}${lines}</svg></figure>`;
}

export function phaseLatencyChart(report: ExperimentReport): string {
  const repeated = report.cycles.length > 1;
  // A phase without a successful operation has no percentiles: it gets no bar (and says so).
  const rows = report.paths.flatMap((p, pi) =>
    p.phases.map((ph) => ({ path: p.path, pi, phase: phaseLabel(ph, repeated), l: ph.total.latencyMs })),
  );
  if (rows.length === 0) return '';
  const W = 860,
    rowH = 22,
    L = 230,
    R = 70,
    T = 28;
  const H = T + rows.length * rowH + 10;
  const vmax = Math.max(1, ...rows.map((r) => r.l.p99 ?? 0));
  const x = (v: number) => L + (v / vmax) * (W - L - R);
  const bars = rows
    .map((r, i) => {
      const y = T + i * rowH;
      if (r.l.p99 === null || r.l.p95 === null || r.l.p50 === null) {
        return `<text x="${L - 8}" y="${y + 14}" text-anchor="end">${esc(r.path)} · ${esc(r.phase)}</text><text class="none" x="${L + 4}" y="${y + 14}">- (no successful operation)</text>`;
      }
      return `<text x="${L - 8}" y="${y + 14}" text-anchor="end">${esc(r.path)} · ${esc(r.phase)}</text>
<rect class="p99" x="${L}" y="${y + 3}" width="${(x(r.l.p99) - L).toFixed(1)}" height="14" fill="${color(r.pi)}" opacity="0.35"><title>p99 ${r.l.p99} ms</title></rect>
<rect class="p95" x="${L}" y="${y + 3}" width="${(x(r.l.p95) - L).toFixed(1)}" height="14" fill="${color(r.pi)}" opacity="0.6"><title>p95 ${r.l.p95} ms</title></rect>
<rect class="p50" x="${L}" y="${y + 3}" width="${(x(r.l.p50) - L).toFixed(1)}" height="14" fill="${color(r.pi)}"><title>p50 ${r.l.p50} ms</title></rect>
<text x="${(x(r.l.p99) + 6).toFixed(1)}" y="${y + 14}">${r.l.p99} ms</text>`;
    })
    .join('');
  return `<figure><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="Latency percentiles by phase">
<text class="title" x="${L}" y="14">Latency by phase (p50 dark, p95, p99 light; successful operations)</text>${bars}</svg></figure>`;
}
