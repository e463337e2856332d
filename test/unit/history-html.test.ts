/** The trends page groups runs by schedule, else by name, one point per run and path. */
import assert from 'node:assert/strict';
import { historyHtml } from '../../src/cli/history-html';
import type { HistoryRow } from '../../src/cli/history-row';

const row = (over: Partial<HistoryRow>): HistoryRow => ({
  workflowId: 'w',
  startTime: '2026-01-01T00:00:00.000Z',
  status: 'COMPLETED',
  fault: 'docker:stop',
  target: 'faultline-db',
  verdict: 'held',
  downtimeMs: { direct: 5000, proxy: 5200 },
  name: 'db-outage',
  successRate: { direct: 0.9, proxy: 0.95 },
  schedule: null,
  ...over,
});

describe('history trends page', () => {
  it('one group per schedule or name, a point per run and path on both charts, coloured by verdict', () => {
    const html = historyHtml(
      [
        row({ workflowId: 'a', startTime: '2026-01-02T00:00:00.000Z', verdict: 'violated' }),
        row({ workflowId: 'b' }),
        row({ workflowId: 'c', schedule: 'nightly <drill>', downtimeMs: { direct: 1500 }, successRate: { direct: 1 } }),
      ],
      new Date('2026-01-03T00:00:00Z'),
    );
    const groups = [...html.matchAll(/<section class="group" data-group="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(groups, ['db-outage', 'schedule nightly &#60;drill&#62;']);
    const dbOutage = html.slice(html.indexOf('data-group="db-outage"'), html.indexOf('data-group="schedule'));
    assert.equal((dbOutage.match(/<circle class="run"/g) ?? []).length, 8, '2 runs x 2 paths x 2 charts');
    // Oldest first: the held run (Jan 1) before the violated one (Jan 2), each in its colour.
    const verdicts = [
      ...dbOutage.matchAll(/data-path="direct" data-verdict="(\w+)" data-value="([\d.]+)"[^>]*fill="(#\w+)"/g),
    ];
    assert.deepEqual(
      verdicts.slice(0, 2).map((m) => [m[1], Number(m[2]), m[3]]),
      [
        ['held', 5, '#2e7d32'],
        ['violated', 5, '#c62828'],
      ],
    );
    assert.match(html, /data-path="direct" data-verdict="held" data-value="90"/, 'success rate in %');
  });
});
