/** `faultline run --dry-run` resolves the targets and prints the plan without touching anything. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dbContainer, sqlQuery } from './harness/lab-database';
import { runCli } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

const tag = Date.now().toString(36);

function definitionFile(name: string, target: Record<string, string>): string {
  const file = path.join(os.tmpdir(), `faultline-dry-${name}-${tag}.json`);
  writeFileSync(
    file,
    JSON.stringify({ name, paths: ['direct', 'proxy'], fault: { kind: 'docker', action: 'stop', target } }),
  );
  return file;
}

describe('dry run', function () {
  this.timeout(60_000);

  it('prints the plan with resolved targets and starts, stops and writes nothing', async () => {
    const name = `dry-${tag}`;
    const before = await dbContainer().inspect();
    const [rowsBefore] = await sqlQuery<{ orders: string; logs: string }>(
      'SELECT (SELECT count(*) FROM business_orders) AS orders, (SELECT count(*) FROM business_logs) AS logs',
    );
    const result = await runCli([
      'run',
      definitionFile(name, { label: 'faultline.role=database' }),
      '--dry-run',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout.trim().split('\n').pop()!);
    assert.equal(plan.dryRun, true);
    assert.equal(plan.target.name, 'faultline-db');
    assert.equal(plan.target.id, before.Id);
    assert.deepEqual(
      plan.paths.map((p: { name: string }) => p.name),
      ['direct', 'proxy'],
    );
    assert.ok(
      plan.paths.every((p: { resolvesTo: string }) => /^127\.0\.0\.1:\d+\/\w+$/.test(p.resolvesTo)),
      'host:port/db only, no password',
    );
    assert.ok(plan.steps.some((s: string) => /restore faultline-db \(always/.test(s)));

    const after = await dbContainer().inspect();
    assert.equal(after.State.StartedAt, before.State.StartedAt, 'db not restarted');
    assert.equal(after.State.Running, true);
    const [rowsAfter] = await sqlQuery<{ orders: string; logs: string }>(
      'SELECT (SELECT count(*) FROM business_orders) AS orders, (SELECT count(*) FROM business_logs) AS logs',
    );
    assert.deepEqual(rowsAfter, rowsBefore, 'no workload ran');
    const client = await testClient();
    const started = [];
    for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH "${name}"` }))
      started.push(w.workflowId);
    assert.deepEqual(started, [], 'no workflow started');
  });

  it('refuses, in a dry run too, a target that is not opted in', async () => {
    const result = await runCli([
      'run',
      definitionFile(`dry-refused-${tag}`, { label: 'faultline.role=nothing-here' }),
      '--dry-run',
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /fault\.target\.label: "faultline\.role=nothing-here" matches 0 containers, it must match exactly one/,
    );
  });
});
