/**
 * Each workload field is bounded, not their product. Before anything runs, an
 * experiment whose connections exceed what a server accepts ends `not-run`, touching nothing, and
 * the reason names the fields and the numbers, summed over the paths that reach the server (direct
 * and, through PgBouncer, proxy reach the lab's one database). Behind PgBouncer the limit is its
 * max_client_conn, read from its admin console; the database sees only its pool's connections.
 * On the real lab: the limits are read back from the lab database, not assumed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { listLeases } from '../../src/activities/faults/fault-lease';
import { EXPERIMENT_TASK_QUEUE, EXPERIMENT_WORKFLOW_TYPE } from '../../src/shared/experiment-contract';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import type { ConnectionBudget } from '../../src/shared/connection-budget';
import { writeDefinition } from './harness/experiments';
import { dbContainer, sqlQuery } from './harness/lab-database';
import { runCli } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

const tag = Date.now().toString(36);

/** What the lab database accepts, as the check must compute it. */
async function labLimit(): Promise<{ accepts: number; limit: string }> {
  const [row] = await sqlQuery<{ max: string; su: string; reserved: string | null }>(
    `SELECT current_setting('max_connections') AS max, current_setting('superuser_reserved_connections') AS su,
       current_setting('reserved_connections', true) AS reserved`,
  );
  const reserved = row!.reserved === null ? '' : ` − reserved_connections ${row!.reserved}`;
  return {
    accepts: Number(row!.max) - Number(row!.su) - Number(row!.reserved ?? 0),
    limit: `max_connections ${row!.max} − superuser_reserved_connections ${row!.su}${reserved}`,
  };
}

const rowCounts = async () =>
  (
    await sqlQuery<{ orders: string; logs: string }>(
      'SELECT (SELECT count(*) FROM business_orders) AS orders, (SELECT count(*) FROM business_logs) AS logs',
    )
  )[0];

/** A definition whose workers on `direct`, with its steady-state check's beside them, exceed `accepts`. */
const tooMany = (name: string, accepts: number) => {
  const workers = Math.min(512, Math.ceil(accepts / 2) + 1);
  return {
    workers,
    definition: {
      name,
      paths: ['direct', 'proxy'],
      fault: { kind: 'docker', action: 'stop', gracePeriodSeconds: 1, target: { container: 'faultline-db' } },
      workload: { concurrentWorkers: workers, poolSize: workers },
      durations: { warmupSeconds: 2, faultSeconds: 3, recoveryTimeoutSeconds: 30 },
      steadyState: { windowSeconds: 1 },
      report: { directory: 'test-artifacts/reports' },
    },
  };
};

describe('connection budget', function () {
  this.timeout(120_000);

  it('connection budget: an experiment asking for more connections than max_connections ends not-run naming the fields', async () => {
    const { accepts, limit } = await labLimit();
    const { workers, definition } = tooMany(`budget-${tag}`, accepts);
    const before = (await dbContainer().inspect()).State;
    const rowsBefore = await rowCounts();
    const client = await testClient();
    const workflowId = `test-connection-budget-${tag}`;
    const result = (await client.workflow.execute(EXPERIMENT_WORKFLOW_TYPE, {
      taskQueue: EXPERIMENT_TASK_QUEUE,
      workflowId,
      args: [definition],
    })) as ExperimentResult;

    assert.equal(result.verdict, 'not-run', result.verdictReason);
    const reason = result.verdictReason;
    assert.match(reason, /^connection budget: /);
    for (const field of [
      `workload.concurrentWorkers ${workers} (workload.client dedicated) on direct`,
      `the steady-state check's workload.concurrentWorkers ${workers} on direct`,
      // proxy's clients reach the same database through PgBouncer's pool.
      'the pooler at 127.0.0.1:',
      'via proxy',
    ])
      assert.ok(reason.includes(field), `${field} in: ${reason}`);
    const total = /= (\d+) connections on the PostgreSQL server at \S+ \(system \d+\) during /.exec(reason);
    assert.ok(total, reason);
    assert.ok(Number(total[1]) > accepts, reason);
    assert.ok(reason.includes(`which accepts ${accepts} (${limit})`), `${accepts} (${limit}) in: ${reason}`);

    // Nothing was touched: the target runs as it did, no lease, no workload, no measurement.
    const after = (await dbContainer().inspect()).State;
    assert.ok(after.Running && !after.Paused && after.StartedAt === before.StartedAt, 'faultline-db untouched');
    assert.deepEqual(
      (await listLeases()).filter((l) => l.workflowId === workflowId),
      [],
    );
    assert.deepEqual(await rowCounts(), rowsBefore, 'no workload ran');
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.equal(report.verdict, 'not-run');
    assert.deepEqual(report.paths, [], 'nothing measured');
    assert.equal(report.steadyState.before, undefined, 'no steady-state check ran');
  });

  it('connection budget: the dry run shows each server with its limit, and refuses as the workflow would', async () => {
    const { accepts, limit } = await labLimit();
    const fits = await runCli([
      'run',
      writeDefinition(`budget-dry-${tag}`, { name: `budget-dry-${tag}`, paths: ['direct', 'proxy'] }),
      '--dry-run',
      '--json',
    ]);
    assert.equal(fits.code, 0, fits.stderr);
    const plan = JSON.parse(fits.stdout.trim().split('\n').pop()!) as {
      connections: ConnectionBudget;
      steps: string[];
    };
    assert.deepEqual(plan.connections.unchecked, [], 'every limit was read');
    const database = plan.connections.servers.find((s) => s.server.startsWith('the PostgreSQL server at'));
    assert.deepEqual([database?.accepts, database?.limit, database?.reachedBy], [accepts, limit, ['direct', 'proxy']]);
    const pooler = plan.connections.servers.find((s) => s.server.startsWith('the pooler at 127.0.0.1:'));
    assert.match(pooler?.limit ?? '', /^PgBouncer's max_client_conn \d+$/, 'read from its admin console');
    assert.match(plan.steps[0]!, /^check that the servers accept every connection the experiment opens/);

    const { definition } = tooMany(`budget-dry-over-${tag}`, accepts);
    const over = await runCli(['run', writeDefinition(`budget-dry-over-${tag}`, definition), '--dry-run']);
    assert.equal(over.code, 1);
    assert.match(over.stderr, /connection budget: .* connections on the PostgreSQL server at .*which accepts/);
  });

  it('connection budget: behind PgBouncer, 512 workers fit its max_client_conn; the database sees its pool only', async () => {
    const plan = await runCli([
      'run',
      writeDefinition(`budget-proxy-${tag}`, {
        name: `budget-proxy-${tag}`,
        paths: ['proxy'],
        workload: { concurrentWorkers: 512, poolSize: 512 },
      }),
      '--dry-run',
      '--json',
    ]);
    assert.equal(plan.code, 0, plan.stderr);
    const { connections } = JSON.parse(plan.stdout.trim().split('\n').pop()!) as { connections: ConnectionBudget };
    const pooler = connections.servers.find((s) => s.server.startsWith('the pooler at'))!;
    assert.equal(pooler.peak, 1024, 'the workload and its steady-state check, 512 each');
    const database = connections.servers.find((s) => s.server.startsWith('the PostgreSQL server at'))!;
    assert.ok(database.peak < 1024, `the pool's server connections only: ${JSON.stringify(database.terms)}`);
    assert.match(database.terms[0]!.what, /server connections min\(\d+ clients, default_pool_size \d+/);
  });
});
