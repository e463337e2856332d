/** The real lab, end to end. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { EXPERIMENT_TASK_QUEUE } from '../../src/shared/experiment-contract';
import { PROJECT_ROOT } from '../../src/platform/settings';
import { publishedPorts } from '../../src/lab/docker-stack';
import type { probeDatabase } from '../../src/workflows';
import { runCli, runProgram } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

describe('the lab', () => {
  it('runs a workflow whose activity reads business_products through Kysely on the db container', async () => {
    const client = await testClient();
    for (const connection of ['direct', 'proxy']) {
      const result = await client.workflow.execute<typeof probeDatabase>('probeDatabase', {
        taskQueue: EXPERIMENT_TASK_QUEUE,
        workflowId: `test-probe-${connection}-${Date.now()}`,
        args: [connection],
        workflowExecutionTimeout: '1 minute',
      });
      assert.equal(result.connection, connection);
      assert.equal(result.products, 200, 'init.sql seeds 200 products');
      assert.equal(result.categories, 8, 'in 8 categories');
    }
  });

  it('publishes container ports on 127.0.0.1 only', async () => {
    const ports = await publishedPorts();
    assert.ok(ports.length >= 2, `expected the db and proxy ports, got ${JSON.stringify(ports)}`);
    for (const p of ports) assert.equal(p.hostIp, '127.0.0.1', `${p.container} publishes ${p.hostIp}:${p.hostPort}`);
  });

  it('reports every part up in `faultline doctor`', async () => {
    const result = await runCli(['doctor', '--json']);
    const checks = JSON.parse(result.stdout) as Array<{ part: string; ok: boolean }>;
    const failing = checks.filter((c) => !c.ok).map((c) => c.part);
    assert.deepEqual(failing, [], `doctor reports missing parts: ${failing.join(', ')}`);
    assert.equal(result.code, 0);
  });

  it('provisioning a ready machine changes nothing', async () => {
    const result = await runProgram('bash', [path.join(PROJECT_ROOT, 'scripts', 'provision.sh')]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /installing|building|starting dockerd|npm ci/, result.stdout);
    assert.match(result.stdout, /\[provision\] ready/);
  });
});

describe('a missing part fails with a message naming it', () => {
  it('names the Docker engine when the daemon is unreachable', async () => {
    const result = await runCli(['up'], { DOCKER_HOST: 'unix:///tmp/faultline-no-docker.sock' }, 60_000);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Docker engine is not reachable/);
  });

  it('names the Temporal server when it cannot be reached or started', async () => {
    const result = await runCli(['probe'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, 60_000);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /127\.0\.0\.1:1/);
    assert.match(result.stderr, /nothing listens at 127\.0\.0\.1:1/, 'the cause, found by faultline itself');
    const doctor = await runCli(['doctor'], { TEMPORAL_ADDRESS: '127.0.0.1:1' }, 60_000);
    assert.equal(doctor.code, 1);
    assert.match(
      doctor.stdout,
      /ok\s+Temporal configuration\s+127\.0\.0\.1:1, namespace default, no TLS \(from TEMPORAL_ADDRESS\); not the lab/,
    );
    assert.match(
      doctor.stdout,
      /MISS\s+Temporal server\s+.*127\.0\.0\.1:1.* is not reachable: nothing listens at 127\.0\.0\.1:1/,
    );
    // The lab's own dev server on a port where none runs: the lab's checks, with the lab's fix.
    const lab = await runCli(['doctor'], { FAULTLINE_TEMPORAL_PORT: '1' }, 60_000);
    assert.equal(lab.code, 1);
    assert.match(lab.stdout, /MISS\s+Temporal server\s+127\.0\.0\.1:1 does not answer/);
  });

  it('names an HTTP target that does not answer, never showing its password or query', async () => {
    const env = { FAULTLINE_HTTP_SHOP: 'http://ann:pw-secret@127.0.0.1:15999/api?key=k-secret' };
    const result = await runCli(['doctor'], env, 60_000);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /MISS\s+HTTP target shop\s+http:\/\/127\.0\.0\.1:15999\/api does not answer \(ECONNREFUSED\)/,
    );
    assert.match(result.stdout, /check FAULTLINE_HTTP_SHOP/);
    assert.doesNotMatch(result.stdout + result.stderr, /secret/);
  });
});
