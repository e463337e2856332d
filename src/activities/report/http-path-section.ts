/**
 * An HTTP path's part of the report (console and HTML): its target and load, and per request what
 * was served, refused (an expected refusal: downtime, not a failure) and failed, with latency timed
 * from when each request was due. Its downtime, phases, windows and errors are shown as a database
 * path's are.
 */
import type { OperationStats } from '../../shared/workload-types';
import type { HttpLoadFigures } from '../../shared/http-workload-types';
import { esc } from './html-escape';
import { count, msText, pct } from './report-format';
import type { PathReport } from './report-types';

/** "open loop at 20/s, at most 200 in flight" or "closed loop of 8 clients". */
export function loadText(h: HttpLoadFigures): string {
  return h.loop === 'open'
    ? `open loop at ${h.ratePerSecond}/s (latency from when each request was due), at most ${h.maxInFlight} in flight`
    : `closed loop of ${h.workers} clients`;
}

/** What the cap on requests in flight did; "" when it was never reached. */
export function capText(h: HttpLoadFigures): string {
  if (h.capReached === 0) return '';
  const never = h.neverSent ? `, ${count(h.neverSent)} never sent (their timeout passed while waiting: timeouts)` : '';
  const unsent = h.unsentAtStop ? `, ${count(h.unsentAtStop)} still waiting when the load stopped (not measured)` : '';
  return `the ${h.maxInFlight}-request cap was reached ${count(h.capReached)} time(s): ${count(h.waitedForSlot)} due requests waited for a slot${never}${unsent}`;
}

const refusedOf = (s: OperationStats): number => s.refused ?? 0;

/** The client's own share of the latencies (the worker's event loop running late); "" when not measured. */
export function clientDelayText(h: HttpLoadFigures): string {
  const d = h.clientDelayMs;
  return d
    ? `the worker's own event loop ran late by p50 ${msText(d.p50)} ms, p99 ${msText(d.p99)} ms, max ${msText(d.max)} ms while it measured: that much of each latency is the client's, not the service's`
    : '';
}

export function httpConsoleLines(path: PathReport): string[] {
  const h = path.http!;
  const o = path.overall;
  const t = o.total;
  const l = t.latencyMs;
  const cap = capText(h);
  return [
    `- Target: ${h.display}, ${loadText(h)}`,
    `- Requests: ${count(t.attempts)}; served ${count(t.successes)} (${pct(t.successRate)}), refused ${count(refusedOf(t))}, failed ${count(t.failures)}`,
    ...(cap ? [`- ${cap[0]!.toUpperCase()}${cap.slice(1)}`] : []),
    `- Response time of served requests: avg ${msText(l.mean)} ms, p50 ${msText(l.p50)} ms, p95 ${msText(l.p95)} ms, p99 ${msText(l.p99)} ms, max ${msText(l.max)} ms`,
    ...(clientDelayText(h) ? [`  (${clientDelayText(h)})`] : []),
    '- By request:',
    ...Object.entries(o.byOperation).map(
      ([name, s]) =>
        `    ${name.padEnd(22)} ${count(s!.attempts).padStart(8)} requests  ${pct(s!.successRate).padStart(6)} served  ${count(refusedOf(s!)).padStart(6)} refused  ${count(s!.failures).padStart(6)} failed  p99 ${msText(s!.latencyMs.p99).padStart(8)} ms`,
    ),
  ];
}

export function httpRequestsHtml(path: PathReport): string {
  const h = path.http!;
  const rows = Object.entries(path.overall.byOperation)
    .map(([name, s]) => {
      const l = s!.latencyMs;
      return `<tr><td>${esc(name)}</td><td>${s!.attempts}</td><td>${s!.successes}</td><td>${refusedOf(s!)}</td><td>${s!.failures}</td><td>${pct(s!.successRate)}</td><td>${msText(l.p50)}</td><td>${msText(l.p95)}</td><td>${msText(l.p99)}</td><td>${msText(l.max)}</td></tr>`;
    })
    .join('');
  const cap = capText(h);
  const delay = clientDelayText(h);
  return `<p class="http">HTTP target <b>${esc(h.display)}</b>: ${esc(loadText(h))}.${cap ? ` <b class="bad">${esc(cap)}</b>.` : ''}${delay ? ` <span class="muted">${esc(delay[0]!.toUpperCase() + delay.slice(1))}.</span>` : ''}</p>
<table><caption>By request (served answers' latency in ms, from when each was due)</caption><tr><th>request</th><th>requests</th><th>served</th><th>refused</th><th>failed</th><th>success</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>${rows}</table>`;
}
