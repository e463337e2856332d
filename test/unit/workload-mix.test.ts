/**
 * Every form of the report (JSON, HTML, console) and the Web UI's summary and
 * details state the workload that ran: with `workload.custom` (as `faultline init --service`
 * writes it) its operations with their weights and types, never the business mix that did not run;
 * without, the business mix's weights.
 */
import assert from 'node:assert/strict';
import { buildReport } from '../../src/activities/report/report-model';
import { renderConsole } from '../../src/activities/report/render-console';
import { renderHtml } from '../../src/activities/report/render-html';
import { experimentDetails, experimentSummary } from '../../src/shared/experiment-markdown';
import { parseExperiment } from '../../src/shared/experiment-schema';
import type { ExperimentOutcome } from '../../src/shared/experiment-types';

/** The operations `faultline init --service` writes (src/cli/own-service.ts), one given a weight of 3. */
const INIT_CUSTOM = [
  { name: 'ping', weight: 3, statement: 'SELECT 1' },
  {
    name: 'tables',
    weight: 1,
    statement: 'SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = $1',
    parameters: ['public'],
  },
  { name: 'touch', weight: 1, type: 'write', statement: 'SELECT 1' },
];

function forms(workload: object) {
  const definition = parseExperiment({
    name: 'mix',
    fault: { kind: 'docker', action: 'stop', target: { container: 'own-db' } },
    workload,
  });
  const outcome: ExperimentOutcome = {
    experimentId: 'unit-mix',
    definition,
    startedAt: '2026-11-23T10:00:00.000Z',
    endedAt: '2026-11-23T10:00:10.000Z',
    verdict: 'held',
    verdictReason: 'ok',
    paths: [],
  };
  const report = buildReport(outcome, []);
  return {
    json: JSON.parse(JSON.stringify(report)) as typeof report,
    console: renderConsole(report),
    html: renderHtml(report),
    summary: experimentSummary(definition),
    details: experimentDetails(definition),
  };
}

describe('the workload as it ran, in every form (unit)', () => {
  it('custom operations: each with its share, weight and type; the business mix is named nowhere', () => {
    const f = forms({ custom: INIT_CUSTOM });
    assert.deepEqual(f.json.workload, {
      kind: 'custom',
      operations: [
        { name: 'ping', weight: 3, sharePct: 60, type: 'read' },
        { name: 'tables', weight: 1, sharePct: 20, type: 'read' },
        { name: 'touch', weight: 1, sharePct: 20, type: 'write' },
      ],
    });
    const text =
      '3 custom operations: ping 60% (weight 3, read), tables 20% (weight 1, read), touch 20% (weight 1, write)';
    assert.ok(f.console.includes(`- Workload: ${text}\n`), f.console);
    assert.ok(f.html.includes(`<b>Workload:</b> ${text}</p>`));
    assert.ok(f.details.includes(`**Workload** ${text}; 3 workers, pool 5, client dedicated`), f.details);
    assert.ok(f.summary.endsWith(`; ${text}`), f.summary);
    for (const form of [f.console, f.html.replace(/<h2>Definition<\/h2>.*/s, ''), f.details, f.summary]) {
      assert.doesNotMatch(form, /business mix|Operation weights|read 70%|70\/20\/10/);
    }
  });

  it('names at most 3 operations in the one-line summary, all of them in the details', () => {
    const custom = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, weight: 1, statement: 'SELECT 1' }));
    const f = forms({ custom });
    assert.match(f.summary, /; 5 custom operations: a 20% \(weight 1, read\), b 20% .*, c 20% .*, and 2 more$/);
    assert.match(f.details, /e 20% \(weight 1, read\); 3 workers/);
  });

  it('the business mix: its weights, in every form', () => {
    const f = forms({ weights: { read: 50, write: 40, transaction: 10 } });
    assert.deepEqual(f.json.workload, { kind: 'business', weights: { read: 50, write: 40, transaction: 10 } });
    const text = 'the business mix: read 50%, write 40%, transaction 10%';
    assert.ok(f.console.includes(`- Workload: ${text}\n`), f.console);
    assert.ok(f.html.includes(`<b>Workload:</b> ${text}</p>`));
    assert.ok(f.details.includes(`**Workload** ${text}; 3 workers, pool 5, client dedicated`), f.details);
    assert.ok(f.summary.endsWith(`; ${text}`), f.summary);
  });
});
