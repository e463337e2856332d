/**
 * Histories of the experiments the integration suite runs: each one recorded is replayed at once on
 * the current workflow code (a nondeterministic workflow fails here), and kept in
 * test-artifacts/histories. With FAULTLINE_RECORD_HISTORIES=1 it also goes to test/histories, the
 * fixtures that `npm run test:unit` replays on every later version of the code: a change that would
 * break experiments running during a worker upgrade fails there, and needs `patched()`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { PROJECT_ROOT } from '../../../src/platform/settings';
import { testClient } from './temporal-client';

let quiet = false;

/** The SDK's replay logs (worker states, the bundle's assets) stay out of the suite's output. */
export function quietRuntime(): void {
  if (quiet) return;
  quiet = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'WARN' } } },
    });
  } catch {
    // installed already (by another harness): its logger stays
  }
}

export async function recordHistory(workflowId: string, name: string): Promise<void> {
  const client = await testClient();
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  quietRuntime();
  await Worker.runReplayHistory(
    { workflowsPath: require.resolve('../../../src/workflows'), replayName: `replay-${name}` },
    history,
    workflowId,
  );
  const json = historyToJSON(history);
  const dirs = [
    path.join(PROJECT_ROOT, 'test-artifacts', 'histories'),
    ...(process.env.FAULTLINE_RECORD_HISTORIES === '1' ? [path.join(PROJECT_ROOT, 'test', 'histories')] : []),
  ];
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}.json`), json);
  }
  assert.ok(json.length > 0);
}
