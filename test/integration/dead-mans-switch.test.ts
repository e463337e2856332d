/**
 * A fault must not outlive its deadline even when no workflow code will ever run again.
 * Real damage on the real lab: the db container is stopped by an experiment that is then
 * terminated, or whose history is deleted, and the watchdog of the lab's faultline worker must
 * bring it back; with Temporal unable to answer for the lease, it must do so at the deadline.
 */
import assert from 'node:assert/strict';
import { leaseDecision, listLeases, recordLease, releaseLease } from '../../src/activities/faults/fault-lease';
import { resolveDockerTarget } from '../../src/activities/faults/docker-fault';
import { labSettings } from '../../src/platform/settings';
import { waitForPhase } from './harness/experiments';
import { dbContainer, ensureDbRunning } from './harness/lab-database';
import { runProgram } from './harness/run-cli';
import { testClient } from './harness/temporal-client';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dbRunning = async () => {
  const s = (await dbContainer().inspect()).State;
  return s.Running && !s.Paused;
};

async function untilRestored(timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await dbRunning()) return Date.now();
    await sleep(100);
  }
  throw new Error(`db was not restored within ${timeoutMs} ms`);
}

/** Starts an experiment with a long fault and returns when db is down and the lease recorded. */
async function experimentInFault(name: string) {
  const client = await testClient();
  const workflowId = `${name}-${Date.now()}`;
  const handle = await client.workflow.start('chaosExperiment', {
    taskQueue: 'faultline',
    workflowId,
    args: [
      {
        name,
        fault: {
          kind: 'docker',
          action: 'stop',
          target: { container: labSettings().dbContainer },
          gracePeriodSeconds: 1,
        },
        durations: { warmupSeconds: 1, faultSeconds: 300, recoveryTimeoutSeconds: 30 },
        steadyState: { windowSeconds: 1 },
        safety: { leaseGraceSeconds: 30 },
        report: { directory: 'test-artifacts/reports' },
      },
    ],
  });
  await waitForPhase(handle, 'fault');
  assert.equal(await dbRunning(), false, 'the fault is on: db is stopped');
  const lease = (await listLeases()).find((l) => l.workflowId === workflowId);
  assert.ok(lease, 'a lease was recorded before the injection');
  // Deadline: the 300 s window + 30 s grace (+ the phase settle), far beyond this test.
  assert.ok(Date.parse(lease.expiresAt) - Date.parse(lease.injectedAt) >= 330_000);
  return { handle, workflowId, lease };
}

describe("dead man's switch", function () {
  this.timeout(180_000);
  afterEach(async () => {
    await ensureDbRunning();
    for (const lease of await listLeases()) if (lease.workflowId.startsWith('dms-')) await releaseLease(lease.name);
  });

  it('decides by deadline, and early only when the workflow is known to be over (pure)', () => {
    const lease = { expiresAt: '2026-01-01T00:01:00.000Z' };
    const before = Date.parse('2026-01-01T00:00:30.000Z');
    const after = Date.parse('2026-01-01T00:01:00.000Z');
    assert.equal(leaseDecision(lease, before, 'running').restore, false);
    assert.equal(leaseDecision(lease, before, 'unknown').restore, false);
    assert.equal(leaseDecision(lease, before, 'closed').restore, true);
    assert.equal(leaseDecision(lease, before, 'not-found').restore, true);
    for (const owner of ['running', 'unknown', 'closed', 'not-found'] as const)
      assert.equal(leaseDecision(lease, after, owner).restore, true);
  });

  it('restores the target when the workflow is terminated (no workflow code runs)', async () => {
    const { handle, lease } = await experimentInFault('dms-terminate');
    const terminatedAt = Date.now();
    await handle.terminate('test: terminate mid-fault');
    const restoredAt = await untilRestored(60_000);
    process.stdout.write(`      terminate: db running again ${restoredAt - terminatedAt} ms after the terminate\n`);
    assert.ok(restoredAt - terminatedAt < 30_000);
    for (let i = 0; i < 50 && (await listLeases()).some((l) => l.name === lease.name); i++) await sleep(100);
    assert.equal(
      (await listLeases()).some((l) => l.name === lease.name),
      false,
      'the lease is released',
    );
  });

  it("restores the target when the workflow's history is gone (temporal workflow delete)", async () => {
    const { workflowId, lease } = await experimentInFault('dms-history-gone');
    const deletedAt = Date.now();
    const deleted = await runProgram(labSettings().temporalCli, [
      'workflow',
      'delete',
      '--yes',
      '--workflow-id',
      workflowId,
      '--address',
      labSettings().temporalAddress,
    ]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const restoredAt = await untilRestored(60_000);
    process.stdout.write(`      history gone: db running again ${restoredAt - deletedAt} ms after the delete\n`);
    for (let i = 0; i < 50 && (await listLeases()).some((l) => l.name === lease.name); i++) await sleep(100);
    assert.equal(
      (await listLeases()).some((l) => l.name === lease.name),
      false,
      'the lease is released',
    );
  });

  it('restores at the deadline when Temporal cannot answer for the workflow', async () => {
    const target = await resolveDockerTarget({ target: { container: labSettings().dbContainer } });
    const injectedAt = Date.now();
    const expiresAt = injectedAt + 10_000;
    // A lease owned by a workflow of a Temporal server the worker cannot reach (another namespace).
    const lease = await recordLease({
      workflowId: `dms-deadline-${injectedAt}`,
      runId: 'lost',
      namespace: 'a-temporal-server-that-is-gone',
      fault: {
        kind: 'docker',
        action: 'stop',
        target: { container: labSettings().dbContainer },
        gracePeriodSeconds: 1,
        signal: 'SIGKILL',
      },
      target,
      injectedAt: new Date(injectedAt).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
    });
    await dbContainer().stop({ t: 1 });
    await sleep(Math.max(0, expiresAt - 2000 - Date.now()));
    assert.equal(await dbRunning(), false, 'before the deadline the watchdog leaves it to the workflow');
    const restoredAt = await untilRestored(60_000);
    process.stdout.write(`      deadline: db running again ${restoredAt - expiresAt} ms after the lease expired\n`);
    assert.ok(restoredAt >= expiresAt, 'not before the deadline');
    assert.ok(restoredAt - expiresAt < 15_000, 'within a sweep interval (5 s) and a container start of it');
    for (let i = 0; i < 50 && (await listLeases()).some((l) => l.name === lease.name); i++) await sleep(100);
    assert.equal(
      (await listLeases()).some((l) => l.name === lease.name),
      false,
      'the lease is released',
    );
  });
});
