/** A failover's stages in the console summary (a line per path) and the HTML report (a table). */
import { esc } from './html-escape';
import { stageTime, type PathFailoverStages, type StageName } from './failover-stages';

const SHORT: Record<StageName, string> = {
  'fault injected': 'injected',
  'first failed or held operation': 'first failed',
  'leader lost': 'leader lost',
  'new writer promoted': 'promoted',
  'endpoint routed to another server': 'routed',
  'first read served': 'first read',
  'first write acknowledged': 'first write',
  'stale-writer window': 'stale writer',
};

/** "- Failover stages, cluster: first failed +0.02 s, leader lost +0.01 s, promoted +5.10 s, ...". */
export function failoverStagesLines(stages: PathFailoverStages[]): string[] {
  return stages.map(
    (p) =>
      `- Failover stages since the inject, ${p.path}: ${p.stages
        .filter((s) => s.stage !== 'fault injected')
        .map((s) => `${SHORT[s.stage]} ${stageTime(s)}`)
        .join(', ')}`,
  );
}

/** One row per stage, one column per path: the time since the inject, and what saw it. */
export function failoverStagesHtml(stages: PathFailoverStages[]): string {
  const head = stages.map((p) => `<th>${esc(p.path)}</th>`).join('');
  const rows = stages[0]!.stages
    .map((s, i) => {
      const cells = stages
        .map((p) => {
          const st = p.stages[i]!;
          return `<td><b>${esc(stageTime(st))}</b>${st.at ? ` <small>${esc(st.at.slice(11, 23))}</small>` : ''}<br><small>${esc(st.detail)}</small></td>`;
        })
        .join('');
      return `<tr><th>${esc(s.stage)}</th>${cells}</tr>`;
    })
    .join('');
  return `<h2>Failover stages</h2>
<p>Each stage's time since the inject was asked for, path by path, from the record that saw it.</p>
<table class="failover-stages"><tr><th>stage</th>${head}</tr>${rows}</table>`;
}
