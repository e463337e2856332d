/**
 * A worker upgraded mid-experiment replays the histories of experiments that older code
 * started. Every history under test/histories (recorded by the suite: the integration tests save
 * new ones) must replay on today's workflow code without a nondeterminism error.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

const DIR = path.join(__dirname, '..', 'histories');

describe('workflow replay over recorded histories (unit, no server)', function () {
  this.timeout(120_000);
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it(`has histories to replay (${files.length})`, () =>
    assert.ok(files.length >= 5, 'record them: FAULTLINE_RECORD_HISTORIES=1 npm test'));

  it('replays every recorded history on the current workflow code', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(path.join(DIR, file), 'utf8'))),
    }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../src/workflows'), replayName: 'faultline-replay' },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    assert.deepEqual(failures, []);
  });
});
