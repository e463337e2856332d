/** The report's HTML section on a Patroni writer change. */
import { esc } from './html-escape';
import { seconds } from './report-format';
import { noOutageAcross, type WriterChangeReport } from './writer-change';

export function writerChangeHtml(wc: WriterChangeReport): string {
  const rows = wc.paths
    .map(
      (p) =>
        `<tr><td>${esc(p.path)}</td><td>${esc(p.writesFailedFrom ?? noOutageAcross(p))}</td><td>${p.failedWrites}</td><td>${p.heldWrites}</td><td>${esc(p.firstWriteAt ?? (p.writesFailedFrom ? 'none' : '-'))}</td><td>${p.afterInjectMs === null ? '-' : seconds(p.afterInjectMs, 2)}</td><td>${p.afterLeaderChangeMs === null ? '-' : seconds(p.afterLeaderChangeMs, 2)}</td></tr>`,
    )
    .join('');
  const events = wc.events
    .map((e) => `<tr><td>${esc(e.at)}</td><td>${esc(e.source)}</td><td>${esc(e.message)}</td></tr>`)
    .join('');
  return `<h2>Writer change (Patroni ${esc(wc.action)})</h2>
<p>Leader <b>${esc(wc.oldLeader)}</b> &rarr; <b>${esc(wc.newLeader ?? 'none elected')}</b>${wc.leaderChangedAt ? ` seen at ${esc(wc.leaderChangedAt)}, promoted at ${esc(wc.promotedAt ?? '?')}` : ''}; timeline ${wc.timelineBefore ?? '?'} &rarr; ${wc.timelineAfter ?? '?'}.${wc.restoredCluster ? ` After the restore: ${esc(wc.restoredCluster.members)}.` : ''}${wc.pathsNotInCluster.length ? ` Not in the cluster (another database system): ${esc(wc.pathsNotInCluster.join(', '))}.` : ''}</p>
<table class="writer-change"><tr><th>path</th><th>writes stopped from</th><th>failed writes</th><th>held writes</th><th>first write on the new writer</th><th>after the inject</th><th>after the leader change</th></tr>${rows}</table>
<table class="events"><tr><th>time</th><th>source</th><th>event</th></tr>${events}</table>`;
}
