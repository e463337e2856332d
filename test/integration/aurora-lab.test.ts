/**
 * Seed 001 as written, on the lab's Aurora (src/lab/aurora-lab.ts): FailoverDBCluster through the
 * RDS API really moves the Patroni cluster's writer, under the business workload on the writer
 * endpoint (`aurora`, a DNS TTL late) and through the RDS Proxy stand-in (`aurora-proxy`). Every
 * figure is held to something faultline did not compute: each node's own word on its role, Patroni's
 * REST API and timeline history, the endpoint's own log of its switches, and independent probes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeDBClustersCommand, FailoverDBClusterCommand } from '@aws-sdk/client-rds';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { injectFault } from '../../src/activities/faults/fault-activities';
import { auroraStateFile } from '../../src/lab/aurora-lab';
import { clusterNodes } from '../../src/platform/patroni/cluster-nodes';
import { clusterHealthy, leadersOf, patroniCluster, patroniHistory } from '../../src/platform/patroni/patroni-rest';
import { labSettings, PROJECT_ROOT } from '../../src/platform/settings';
import { parseExperiment } from '../../src/shared/experiment-schema';
import type { InjectionRecord } from '../../src/shared/fault-types';
import { writableNodes } from './harness/cluster-watch';
import { pathOf, runWithProbes, STALL_MS } from './harness/probed-experiment';
import { rds } from './harness/rds-cluster';

const CLUSTER = labSettings().aurora.cluster;
/** Temporal's mock activity environment, quiet: a refusal the test expects logs no warning. */
const activityEnvironment = (info: Partial<Info> = {}) =>
  new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
const PATHS = ['aurora', 'aurora-proxy'] as const;
/** The acceptance: each path's downtime within 500 ms of an independent probe's. */
const PROBE_AGREEMENT_MS = 500;

async function rdsWriter(): Promise<{ status: string; writer: string }> {
  const out = await rds().send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER }));
  const c = out.DBClusters![0]!;
  return { status: c.Status!, writer: c.DBClusterMembers!.find((m) => m.IsClusterWriter)!.DBInstanceIdentifier! };
}

/** The cluster healthy, and the writer the same by RDS, by Patroni and by each node's PostgreSQL. */
async function agreedWriter(timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = await clusterNodes(labSettings().clusterScope);
    const view = await patroniCluster(nodes);
    const [byRds, writable] = [await rdsWriter().catch(() => undefined), await writableNodes(nodes)];
    const leader = leadersOf(view)[0]?.name;
    if (clusterHealthy(view, nodes.length) && byRds?.status === 'available' && byRds.writer === leader)
      if (writable.length === 1 && writable[0] === leader) return leader;
    if (Date.now() > deadline)
      throw new Error(`no agreed writer: rds ${JSON.stringify(byRds)}, patroni ${leader}, writable ${writable}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const switches = (): Array<{ at: string; endpoint: string; from: string | null; to: string }> =>
  (JSON.parse(readFileSync(auroraStateFile(), 'utf8')) as { switches: [] }).switches;

function labExample(name: string): Record<string, unknown> {
  const example = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', 'aurora-lab-failover.json'), 'utf8'));
  return {
    ...example,
    name,
    durations: { warmupSeconds: 5, faultSeconds: 20, recoveryTimeoutSeconds: 90 },
    // Sampled densely, as the other truth tests sample; the seed's mix and pool otherwise.
    workload: { ...example.workload, thinkTimeSeconds: { min: 0.01, max: 0.02 }, stallThresholdMs: STALL_MS },
    steadyState: { windowSeconds: 3, maxP99Ms: 3000 },
    stopConditions: undefined,
    report: { directory: 'test-artifacts/reports' },
  };
}

describe("the lab's Aurora: seed 001's failover on a real data plane", function () {
  this.timeout(600_000);

  it('FailoverDBCluster moves the writer; the report agrees with Patroni, the nodes, the endpoint and the probes', async () => {
    const before = await agreedWriter();
    const historyBefore = (await patroniHistory(await clusterNodes(labSettings().clusterScope))).length;
    const switchesBefore = switches().length;
    const run = await runWithProbes('aurora-lab-failover', labExample('aurora-lab-failover'), [...PATHS], {
      limits: { maxYoung: 4, maxOutstanding: 6, abandonAfterMs: 3 * STALL_MS },
      writes: true,
      sessions: true,
    });
    const after = await agreedWriter();
    const { report } = run;
    assert.notEqual(report.verdict, 'not-run', report.verdictReason);
    assert.equal(report.rds?.oldWriter, before, 'the report names the writer RDS, Patroni and the nodes agreed on');
    assert.equal(report.rds?.newWriter, after, 'and the new one they agree on now');
    assert.notEqual(after, before, 'the writer changed');

    // Patroni's own record: one promotion, of the new writer, inside the RDS status timeline.
    const history = await patroniHistory(await clusterNodes(labSettings().clusterScope));
    assert.equal(history.length, historyBefore + 1, 'exactly one timeline switch');
    const promotedAt = Date.parse(history.at(-1)![3]);
    assert.equal(history.at(-1)![4], after, 'Patroni promoted the new writer');
    const seen = (text: string) => report.rds!.events.find((e) => e.message === text);
    const failingOver = seen('cluster status failing-over');
    assert.ok(failingOver && Date.parse(failingOver.at) <= promotedAt, 'failing-over was seen before the promotion');
    assert.ok(Date.parse(report.rds!.availableAt) >= promotedAt, 'available again after it');
    const completed = seen(`${CLUSTER}: Completed failover to DB instance: ${after}`);
    assert.ok(completed, JSON.stringify(report.rds!.events));
    // (to the millisecond: Patroni logs microseconds, which the two parsers round apart)
    assert.ok(Math.abs(Date.parse(completed.at) - promotedAt) <= 1, "RDS's event carries the time Patroni logged");

    // The stale-writer window, held to the endpoint's own log of its switch to the new writer.
    const writerSwitch = switches()
      .slice(switchesBefore)
      .find((s) => s.endpoint === 'writer' && s.to === after);
    assert.ok(writerSwitch, `the writer endpoint logged its switch to ${after}`);
    const switchedAt = Date.parse(writerSwitch.at);
    const stale = Object.fromEntries(report.staleWriter!.map((w) => [w.path, w]));
    process.stdout.write(
      `      writer ${before} -> ${after}; promoted +${promotedAt - Date.parse(report.timestamps.injectRequestedAt!)} ms, endpoint switched ${switchedAt - promotedAt} ms after it\n` +
        PATHS.map(
          (p) =>
            `      ${p}: detected ${pathOf(report, p).downtimeMs} ms, writes down ${stale[p]!.writeDowntimeMs} ms; probes: read ${run.probeMs[p]} ms, write ${run.writeProbeMs![p]} ms, session write ${run.sessionWriteProbeMs![p]} ms; stale writer ${stale[p]!.readOnlyErrors} errors over ${stale[p]!.spanMs} ms\n`,
        ).join(''),
    );
    const aurora = stale.aurora!;
    assert.ok(aurora.readOnlyErrors > 0, 'the writer endpoint led writes to the demoted writer');
    // After the switch only a connection the endpoint routed before it can reach the demoted writer:
    // one whose login to the restarting node was still under way may take up to the connect
    // timeout, then fails at its first write and is dropped (seen once: 1.6 s after the switch).
    const routedBefore = switchedAt + report.definition.workload.connectTimeoutMs + 1000;
    assert.ok(
      Date.parse(aurora.lastAt!) <= routedBefore,
      `and none from a connection made after the endpoint switched (last ${Date.parse(aurora.lastAt!) - switchedAt} ms after it)`,
    );
    assert.ok(stale['aurora-proxy']!.spanMs < aurora.spanMs, 'the proxy follows the writer itself');

    // Per path: its writes' downtime against an independent write probe (a read-only server refuses
    // it); its downtime, which a read that still succeeds on the demoted writer ends, between what
    // the read probe and the write probe saw.
    for (const p of PATHS) {
      const [detected, writesDown] = [pathOf(report, p).downtimeMs, stale[p]!.writeDowntimeMs!];
      const [reads, writes, sessionWrites] = [run.probeMs[p], run.writeProbeMs![p], run.sessionWriteProbeMs![p]];
      const windows = `fresh ${run.probeWindows[`${p} fresh SELECT txid_current()`]}; session ${run.probeWindows[`${p} session SELECT txid_current()`]}`;
      // The workload keeps its sessions and opens new ones when they break: through a pooler those
      // two clients can be down apart by seconds (a fresh login that needs a new server connection
      // meets server_login_retry; a kept session waits out a stall a new one never sees). Its
      // writes' downtime lies between the session and the fresh write probe's.
      assert.ok(
        writesDown >= Math.min(writes, sessionWrites) - PROBE_AGREEMENT_MS &&
          writesDown <= Math.max(writes, sessionWrites) + PROBE_AGREEMENT_MS,
        `${p}: writes down ${writesDown} ms, the write probes: fresh ${writes} ms, session ${sessionWrites} ms (${windows})`,
      );
      const truth = pathOf(report, p).cycles[0]!.groundTruthMs!;
      assert.ok(
        Math.abs(truth - reads) <= PROBE_AGREEMENT_MS,
        `${p}: ground truth ${truth} ms (faultline's probe, SELECT 1), the read probe ${reads} ms`,
      );
      assert.ok(
        detected >= reads - PROBE_AGREEMENT_MS && detected <= writes + PROBE_AGREEMENT_MS,
        `${p}: detected ${detected} ms, between the read probe's ${reads} ms and the write probe's ${writes} ms`,
      );
    }
    assert.match(pathOf(report, 'aurora').cycles[0]!.note ?? '', /its writes met a read-only server/);
    assert.ok(report.comparison, "seed 001's comparison");
    assert.equal(report.comparison.baseline, 'aurora');
    assert.equal(report.comparison.candidate, 'aurora-proxy');
  });

  it('refuses a target that is not a member, or is the writer, with RDS error codes; faultline touches nothing', async () => {
    const writer = await agreedWriter();
    const history = (await patroniHistory(await clusterNodes(labSettings().clusterScope))).length;
    const ask = (target: string) =>
      rds().send(new FailoverDBClusterCommand({ DBClusterIdentifier: CLUSTER, TargetDBInstanceIdentifier: target }));
    await assert.rejects(ask('no-such-node'), (e: Error) => e.name === 'InvalidParameterValue');
    await assert.rejects(ask(writer), (e: Error) => e.name === 'InvalidDBInstanceStateFault');
    const fault = parseExperiment({
      name: 'aurora-writer-target',
      paths: ['aurora'],
      fault: { kind: 'rds', action: 'failover-cluster', cluster: CLUSTER, targetInstance: writer },
    }).fault!;
    await assert.rejects(activityEnvironment().run(injectFault, fault, {}), /is already the writer/);
    assert.equal(await agreedWriter(), writer, 'the writer is unchanged');
    const now = (await patroniHistory(await clusterNodes(labSettings().clusterScope))).length;
    assert.equal(now, history, 'no timeline switch');
  });

  it('a retried inject polls the failover the first attempt requested and fails over no second time', async () => {
    const before = await agreedWriter();
    const history = (await patroniHistory(await clusterNodes(labSettings().clusterScope))).length;
    const fault = parseExperiment({
      name: 'aurora-retried',
      paths: ['aurora'],
      fault: { kind: 'rds', action: 'failover-cluster', cluster: CLUSTER, pollIntervalMs: 200 },
    }).fault!;
    const beats: Array<Record<string, unknown>> = [];
    const first = activityEnvironment();
    first.on('heartbeat', (d: unknown) => beats.push(JSON.parse(JSON.stringify(d ?? {})) as Record<string, unknown>));
    const record: InjectionRecord = await first.run(injectFault, fault, {});
    const changedTo = record.rds!.newWriter;
    assert.notEqual(changedTo, before);
    assert.deepEqual(
      (record.target.touches ?? []).map((t) => `${t.kind}:${t.name}`).sort(),
      [`patroni:${labSettings().clusterScope}`, `rds:${CLUSTER}`],
      'it locks the Patroni cluster behind the RDS one too (its tag faultline:patroni-scope)',
    );
    const marked = beats.find((b) => b.rdsRequested)!;
    assert.ok(marked, 'the inject heartbeated the request');
    await agreedWriter(); // the old writer rejoined: a second failover would be possible now
    const again: InjectionRecord = await activityEnvironment({ heartbeatDetails: marked }).run(injectFault, fault, {});
    assert.ok(again.rds!.events.some((e) => /resumes: the failover was requested by attempt/.test(e.message)));
    assert.equal(await agreedWriter(), changedTo, 'the retry did not fail over again');
    const now = (await patroniHistory(await clusterNodes(labSettings().clusterScope))).length;
    assert.equal(now, history + 1, 'one timeline switch in all');
  });

  it('RebootDBInstance restarts the writer in place: the writer stays, its PostgreSQL restarted', async () => {
    const writer = await agreedWriter();
    const started = async () => {
      const node = (await clusterNodes(labSettings().clusterScope)).find((n) => n.member === writer)!;
      const rest = await fetch(`${node.restUrl}/patroni`).then(
        (r) => r.json() as Promise<{ postmaster_start_time: string }>,
      );
      return rest.postmaster_start_time;
    };
    const startedBefore = await started();
    const fault = parseExperiment({
      name: 'aurora-reboot',
      paths: ['aurora'],
      fault: { kind: 'rds', action: 'reboot-instance', cluster: CLUSTER, pollIntervalMs: 200 },
    }).fault!;
    const record: InjectionRecord = await activityEnvironment().run(injectFault, fault, {});
    assert.equal(record.rds!.writerChanged, false, 'a reboot is no failover');
    const statuses = record.rds!.events.map((e) => e.message);
    assert.ok(statuses.includes(`instance ${writer} status rebooting`), statuses.join('; '));
    assert.ok(statuses.includes(`${writer}: DB instance restarted`), statuses.join('; '));
    assert.equal(await agreedWriter(), writer, 'the same writer');
    assert.notEqual(await started(), startedBefore, "its PostgreSQL restarted (Patroni's postmaster start time)");
    const forced = parseExperiment({
      name: 'aurora-reboot-forced',
      paths: ['aurora'],
      fault: { kind: 'rds', action: 'reboot-instance', cluster: CLUSTER, forceFailover: true },
    }).fault!;
    await assert.rejects(
      activityEnvironment().run(injectFault, forced, {}),
      /fault.forceFailover: ForceFailover belongs to Multi-AZ DB instances/,
    );
  });
});
