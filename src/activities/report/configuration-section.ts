/**
 * The report's configuration, as measured: the workload that ran (the custom operations or the
 * business mix), the client that measured each path (which one, its pool, its timeouts and
 * reconnect policy: they decide what an outage looks like to a client), and each shard's. Console
 * and HTML forms; the JSON has `workload`, `paths[].measuringClient` and `shards[].measuredWith`.
 */
import type { HttpWorkload } from '../../shared/http-workload-schema';
import { workloadMixText } from '../../shared/workload-mix';
import type { ClientInUse } from '../../shared/workload-types';
import { esc } from './html-escape';
import { seconds } from './report-format';
import type { ExperimentReport, MeasuringClient, PathReport, ShardReport } from './report-types';

const CLIENT_WORDS: Record<MeasuringClient['client'], string> = {
  dedicated: 'each worker its own connection',
  pool: 'the workers share a pg pool',
  mixed: 'the shards differed',
};

/** "pool (the workers share a pg pool), 5 workers, pool size 4; connect timeout 3000 ms, ..." */
function clientText(m: MeasuringClient): string {
  return (
    `${m.client} (${CLIENT_WORDS[m.client]}), ${m.concurrentWorkers} workers, pool size ${m.poolSize}; ` +
    `connect timeout ${m.connectTimeoutMs} ms, TCP handshake ${m.tcpConnectTimeoutMs} ms, ` +
    `statement timeout ${m.statementTimeoutMs} ms, stall threshold ${m.stallThresholdMs} ms`
  );
}

/** Once when every path measured with the same client, else once per path. */
function byClient(report: ExperimentReport): Array<{ label: string; client: MeasuringClient }> {
  const db = report.paths.flatMap((p) => (p.measuringClient ? [{ path: p.path, client: p.measuringClient }] : []));
  const distinct = new Set(db.map((p) => JSON.stringify(p.client)));
  if (distinct.size <= 1) return db.slice(0, 1).map((p) => ({ label: '', client: p.client }));
  return db.map((p) => ({ label: ` on ${p.path}`, client: p.client }));
}

/** The HTTP workload as defined: each request's answers, the timeouts, the health check, the audit. */
export function httpConfigurationText(h: HttpWorkload): string {
  const requests = h.requests.map((r) => {
    const refused = r.refused.map((x) => `${x.status}${x.retryAfter ? ' with Retry-After' : ''}`).join('/');
    return `${r.name} (${r.method} ${r.path}, weight ${r.weight}, served ${r.served.join('/')}${refused ? `, refused ${refused}` : ''}${r.json ? ', JSON' : ''})`;
  });
  const health = h.health
    ? `; health GET ${h.health.path} ${h.health.status}${Object.entries(h.health.fields)
        .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
        .join('')} within ${h.health.maxLatencyMs} ms`
    : '';
  const audit = h.audit
    ? `; audit of ${h.audit.request} through ${h.audit.connection} (settle ${h.audit.settleSeconds} s)`
    : '';
  return `${requests.join(', ')}; timeout ${h.timeoutMs} ms, stall threshold ${h.stallThresholdMs} ms${health}${audit}`;
}

export function configurationConsole(report: ExperimentReport): string[] {
  const http = report.definition.http;
  return [
    `- Workload: ${workloadMixText(report.workload)}`,
    ...(http ? [`- HTTP workload: ${httpConfigurationText(http)}`] : []),
    ...byClient(report).flatMap(({ label, client }) => {
      const reads = client.customReads;
      return [
        `- Measuring client${label}: ${clientText(client)}`,
        `  Reconnect policy: ${client.reconnect}`,
        ...(reads ? [`  Custom reads: ${reads}`] : []),
      ];
    }),
  ];
}

export function configurationHtml(report: ExperimentReport): string {
  const http = report.definition.http;
  return [
    `<p class="workload"><b>Workload:</b> ${esc(workloadMixText(report.workload))}</p>`,
    ...(http ? [`<p class="workload"><b>HTTP workload:</b> ${esc(httpConfigurationText(http))}</p>`] : []),
    ...byClient(report).map(({ label, client }) => {
      const reads = client.customReads;
      const readsHtml = reads ? `<br><b>Custom reads:</b> ${esc(reads)}` : '';
      return `<p class="client"><b>Measuring client${esc(label)}:</b> ${esc(clientText(client))}.<br><b>Reconnect policy:</b> ${esc(client.reconnect)}${readsHtml}</p>`;
    }),
  ].join('\n');
}

/** "pool, 3 workers, 2 connections", or what an older shard left unsaid. */
export const shardClientText = (m: ClientInUse | undefined): string =>
  m ? `${m.client}, ${m.workers} workers, ${m.connections} connections` : 'client not recorded';

const shardRow = (s: ShardReport) =>
  `<tr><td>#${s.index + 1}</td><td>${esc(s.worker)}</td><td>${esc(s.measuredWith?.client ?? 'not recorded')}</td><td>${s.measuredWith?.workers ?? '-'}</td><td>${s.measuredWith?.connections ?? '-'}</td><td>${s.attempts}</td><td>${s.failures}</td><td>${seconds(s.downtimeMs, 2)}</td></tr>`;

/** A sharded path's shards: where each ran and with which client. */
export function shardsHtml(path: PathReport): string {
  if (!path.shards) return '';
  return `<table class="shards"><caption>Measured in ${path.shards.length} shards (downtime is their union)</caption><tr><th>shard</th><th>worker</th><th>client</th><th>workers</th><th>connections</th><th>ops</th><th>failed</th><th>downtime</th></tr>${path.shards.map(shardRow).join('')}</table>`;
}
