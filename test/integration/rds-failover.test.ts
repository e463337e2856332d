/** Aurora failover through the RDS API, against moto (a real RDS API emulator), never real AWS. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import type { ExperimentResult } from '../../src/shared/experiment-types';
import { PROJECT_ROOT } from '../../src/platform/settings';
import { startExtraWorker, stopExtraWorker } from '../../src/lab/extra-worker';
import { recordHistory } from './harness/histories';
import { createCluster, rds } from './harness/rds-cluster';
import { testClient } from './harness/temporal-client';
import path from 'node:path';

const tag = Date.now().toString(36);
const experiment = (cluster: string) => ({
  name: `aurora-${cluster}`,
  paths: ['direct'],
  fault: { kind: 'rds', action: 'failover-cluster', cluster, pollIntervalMs: 200, waitTimeoutSeconds: 60 },
  durations: { warmupSeconds: 2, faultSeconds: 2, recoveryTimeoutSeconds: 30 },
  steadyState: { windowSeconds: 1 },
  report: { directory: 'test-artifacts/reports' },
});

async function run(cluster: string): Promise<ExperimentResult> {
  const client = await testClient();
  return (await client.workflow.execute('chaosExperiment', {
    taskQueue: 'faultline',
    workflowId: `test-rds-${cluster}`,
    args: [experiment(cluster)],
  })) as ExperimentResult;
}

describe('Aurora failover through the RDS API (moto)', function () {
  this.timeout(180_000);

  it('fails the cluster over: the writer flips, events are recorded, the report names old and new writer', async () => {
    const cluster = `aurora-ok-${tag}`;
    await createCluster(cluster, 2, true);
    const result = await run(cluster);
    assert.equal(result.verdict, 'held', result.verdictReason);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.ok(report.rds);
    assert.equal(report.rds.oldWriter, `${cluster}-1`);
    assert.equal(report.rds.newWriter, `${cluster}-2`);
    assert.equal(report.rds.writerChanged, true);
    const described = await rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }));
    assert.equal(
      described.DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier,
      `${cluster}-2`,
      'the emulator agrees',
    );
    const messages = report.rds.events.map((e) => e.message);
    assert.ok(
      messages.some((m) => m.startsWith('FailoverDBCluster requested')),
      messages.join(' | '),
    );
    assert.ok(messages.includes(`writer changed: ${cluster}-1 -> ${cluster}-2`), messages.join(' | '));
    assert.ok(
      report.rds.events.every((e, i, all) => i === 0 || all[i - 1]!.at <= e.at),
      'events in time order',
    );
    assert.equal(report.restore?.action, 'wait-available');
    assert.match(report.restore!.note, /nothing to undo/);
    assert.equal(report.fault.kind, 'rds:failover-cluster');
    assert.match(result.summary, new RegExp(`Aurora writer: ${cluster}-1 -> ${cluster}-2`));
    assert.match(
      readFileSync(result.report.html, 'utf8'),
      new RegExp(`Writer <b>${cluster}-1</b> &rarr; <b>${cluster}-2</b>`),
    );
    await recordHistory(`test-rds-${cluster}`, 'aurora-failover');
  });

  it('a retried inject never fails over twice: the first attempt fails right after the API call, the writer flips once', async () => {
    const cluster = `aurora-retry-${tag}`;
    await createCluster(cluster, 2, true);
    const queue = `faultline-rds-retry-${tag}`;
    const worker = await startExtraWorker(
      queue,
      { FAULTLINE_TEST_FAIL_AFTER_RDS_CALL: '1' },
      path.join(PROJECT_ROOT, 'test-artifacts', `rds-retry-worker-${tag}.log`),
    );
    try {
      const client = await testClient();
      const workflowId = `test-rds-${cluster}`;
      const result = (await client.workflow.execute('chaosExperiment', {
        taskQueue: queue,
        workflowId,
        args: [experiment(cluster)],
      })) as ExperimentResult;
      assert.equal(result.verdict, 'held', result.verdictReason);
      // The inject activity really ran twice.
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const injectScheduled = history.events!.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'injectFault',
      )!;
      const injectStarted = history.events!.find(
        (e) =>
          e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === injectScheduled.eventId!.toString(),
      );
      assert.equal(
        injectStarted?.activityTaskStartedEventAttributes?.attempt,
        2,
        'the first attempt failed, the second one finished',
      );
      // Once: with two members, a second failover would have put the first writer back.
      const described = await rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }));
      assert.equal(
        described.DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier,
        `${cluster}-2`,
      );
      const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
      assert.equal(report.rds?.oldWriter, `${cluster}-1`);
      assert.equal(report.rds?.newWriter, `${cluster}-2`);
      const messages = report.rds!.events.map((e) => e.message);
      assert.equal(messages.filter((m) => m.startsWith('FailoverDBCluster requested')).length, 1, messages.join(' | '));
      assert.ok(
        messages.some((m) => /attempt 2 resumes: the failover was requested by attempt 1/.test(m)),
        messages.join(' | '),
      );
    } finally {
      await stopExtraWorker(worker);
    }
  });

  it('reboots an instance in place (RebootDBInstance), and waits for what the API says is rebooting', async () => {
    const cluster = `aurora-reboot-${tag}`;
    await createCluster(cluster, 2, true);
    const client = await testClient();
    const definition = {
      ...experiment(cluster),
      fault: { kind: 'rds', action: 'reboot-instance', cluster, pollIntervalMs: 200, waitTimeoutSeconds: 60 },
    };
    const result = (await client.workflow.execute('chaosExperiment', {
      taskQueue: 'faultline',
      workflowId: `test-rds-${cluster}`,
      args: [definition],
    })) as ExperimentResult;
    assert.equal(result.verdict, 'held', result.verdictReason);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.equal(report.fault.kind, 'rds:reboot-instance');
    // moto's reboot does nothing and answers `available`: nothing to wait for, and the report says
    // so (the lab's Aurora reboots for real: aurora-lab.test.ts).
    assert.ok(
      report.rds?.events.some(
        (e) =>
          e.message === `RebootDBInstance ${cluster}-1 requested (ForceFailover false); the API answered available`,
      ),
      JSON.stringify(report.rds?.events),
    );
    assert.equal(report.rds?.oldWriter, `${cluster}-1`);
    assert.equal(report.rds?.writerChanged, false, 'a reboot is no failover');
  });

  it('refuses a cluster without the opt-in tag, before anything is injected', async () => {
    const cluster = `aurora-notag-${tag}`;
    await createCluster(cluster, 2, false);
    const result = await run(cluster);
    assert.equal(result.verdict, 'not-run', 'a refused target is not-run: nothing was injected');
    assert.match(result.verdictReason, /not opted in as a chaos target \(tag faultline:target=true\)/);
    const report = JSON.parse(readFileSync(result.report.json, 'utf8')) as ExperimentReport;
    assert.equal(report.timestamps.injectRequestedAt, null, 'nothing injected');
    const described = await rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }));
    assert.equal(
      described.DBClusters?.[0]?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier,
      `${cluster}-1`,
      'writer untouched',
    );
  });

  it('refuses a cluster without a replica to promote', async () => {
    const cluster = `aurora-single-${tag}`;
    await createCluster(cluster, 1, true);
    const result = await run(cluster);
    assert.equal(result.verdict, 'not-run', 'a refused target is not-run: nothing was injected');
    assert.match(result.verdictReason, /has no replica to promote/);
  });
});
