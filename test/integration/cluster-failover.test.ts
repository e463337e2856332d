/**
 * A real failover in the lab's Patroni cluster, under the seed 001 workload on the
 * cluster's writer endpoint (`cluster`) and through PgBouncer in front of it (`cluster-proxy`).
 * Every figure is held to something faultline did not compute: an independent probe per path, each
 * node's own word on its role (asked inside its container), Patroni's REST API, and a ledger of
 * acknowledged commits checked against the table afterwards.
 */
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { labPorts } from '../../src/platform/connections';
import { docker } from '../../src/platform/docker';
import { clusterNodes } from '../../src/platform/patroni/cluster-nodes';
import { clusterHealthy, leadersOf, patroniCluster } from '../../src/platform/patroni/patroni-rest';
import { labSettings } from '../../src/platform/settings';
import { ContainerEvents } from './harness/container-events';
import { leaderLockLogged, promotionLogged, writerOutage, type WriterOutage } from './harness/cluster-truth';
import { assertStagesPage, assertStagesTruthful } from './harness/failover-stages-truth';
import { AckLedger, localWrite, RoleWatch, writableNodes } from './harness/cluster-watch';
import { assertAuditMatches, idsInTables } from './harness/business-writes';
import { clusterReplicationNow } from './harness/cluster-replication';
import { pathOf, runWithProbes, STALL_MS } from './harness/probed-experiment';
import { labClientConfig } from './harness/lab-client';

/** Saying less than the cluster's own record of its writer outage (Docker, PostgreSQL, HAProxy). */
const UNDERSTATE_MS = 250;
/**
 * Saying less than the session probes. A window closes at the first success of an
 * operation that started after it opened: 16 workers see the new writer sooner than a probe's 4
 * sessions do, and a probe session caught by the fault is given up only after 3 s (a CI run:
 * partition-leader, the workload back 366 ms before the probes). And it opens where each client
 * meets the fault: in a planned failover the old leader refuses new connections a few hundred ms
 * before its PostgreSQL logs the shutdown (Patroni demoting it), while sessions already open keep
 * working until then; behind PgBouncer a probe query that needs a new server connection then fails
 * where the workload's, on open ones, do not (a CI run: failover, `cluster-proxy`, the probes'
 * window opened 450 ms before the shutdown and 520 ms before the workload's). 250 ms is too close
 * to these differences of vantage point; the cluster's record above holds saying less to 250 ms.
 */
const PROBE_AGREEMENT_MS = 750;
/**
 * Saying more than the probes: a pool of 16 connections that crossed the failover finds its stale
 * connections one failure at a time, where 4 probe sessions have only 4 to lose (switchover, a
 * local run: `cluster` 1,233 ms more than the probes, with 2 stalled operations); through PgBouncer
 * a worker also waits out its login retry (1 s; a CI run: switchover, 1,000 ms more). Saying less is
 * held as above.
 */
const OVERSTATE_MS = 1500;
const PATHS = ['cluster', 'cluster-proxy'] as const;
/** How often a write ledger marks the time (write-marks.ts): a lost write's span is exact to this. */
const LEDGER_FLUSH_MS = 500;

/** The lab's standalone database: a path no cluster fault reaches. */
const UNTOUCHED = 'direct';

function clusterFault(
  name: string,
  action: string,
  faultSeconds: number,
  options: Record<string, unknown> = {},
  paths: string[] = [...PATHS],
): Record<string, unknown> {
  return {
    name,
    paths,
    fault: { kind: 'patroni', action, cluster: labSettings().clusterScope, ...options },
    durations: { warmupSeconds: 3, faultSeconds, recoveryTimeoutSeconds: 90 },
    workload: { thinkTimeSeconds: { min: 0.01, max: 0.02 }, stallThresholdMs: STALL_MS, statementTimeoutMs: 3000 },
    // Synchronous commits on a busy 2-vCPU machine, right after the previous test's failover and rejoin.
    steadyState: { windowSeconds: 3, maxP99Ms: 3000 },
    report: { directory: 'test-artifacts/reports' },
  };
}

/** Which server the reader endpoint (cluster-reader) sends a fresh client to, and whether it is a replica. */
async function readerAnswers(pauseMs = 0): Promise<{ inRecovery: boolean; serverIp: string }> {
  await new Promise((r) => setTimeout(r, pauseMs));
  const client = new Client(
    labClientConfig(labPorts(labSettings())['cluster-reader']!, { connectionTimeoutMillis: 5000 }),
  );
  await client.connect();
  try {
    const { rows } = await client.query<{ r: boolean; ip: string }>(
      'SELECT pg_is_in_recovery() AS r, host(inet_server_addr()) AS ip',
    );
    return { inRecovery: rows[0]!.r, serverIp: rows[0]!.ip };
  } finally {
    await client.end();
  }
}

async function clusterNow() {
  const nodes = await clusterNodes(labSettings().clusterScope);
  return { nodes, view: await patroniCluster(nodes) };
}

async function runClusterFault(
  action: string,
  faultSeconds: number,
  during?: () => Promise<void>,
  options: Record<string, unknown> = {},
  untouched: string[] = [],
) {
  let before = await clusterNow();
  const deadline = Date.now() + 120_000;
  while (!clusterHealthy(before.view, before.nodes.length) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    before = await clusterNow();
  }
  assert.ok(clusterHealthy(before.view, before.nodes.length), 'the cluster is healthy before the test');
  const leaderBefore = leadersOf(before.view)[0]!.name;
  await AckLedger.prepare();
  const ledger = new AckLedger();
  const roles = new RoleWatch();
  const dies = await ContainerEvents.start(['die']);
  // Settled here, thrown below: an assertion in it must fail this test, not leak into the next one.
  const duringDone = during?.().then(
    () => undefined,
    (err: unknown) => err,
  );
  let run;
  try {
    run = await runWithProbes(
      `cluster-${action}`,
      clusterFault(`cluster-${action}`, action, faultSeconds, options, [...PATHS, ...untouched]),
      [...PATHS, ...untouched],
      { limits: { maxYoung: 4, maxOutstanding: 6, abandonAfterMs: 3 * STALL_MS }, writes: true, sessions: true },
    );
  } finally {
    await ledger.stop();
    await roles.stop();
    dies.stop();
  }
  assert.notEqual(run.result.verdict, 'not-run', `the experiment ran: ${run.report.verdictReason}`);
  const duringError = await duringDone;
  if (duringError) throw duringError;
  const after = await clusterNow();
  return { ...run, leaderBefore, ledger, roles, after, dies };
}

/**
 * The truth is the cluster's own record of its writer endpoint's outage (cluster-truth.ts: Docker's
 * or PostgreSQL's record of the old leader stopping, HAProxy's log of the new leader coming UP).
 * Neither path can have been down for less than that, nor for less than independent session probes
 * on that path saw (connections kept, as the workload keeps them; a read probe, `SELECT 1`, and a
 * write probe, `SELECT txid_current()`: a new leader still in recovery refuses writes): the report
 * may never say less than the cluster's record by more than 250 ms, nor less than the probes by more
 * than PROBE_AGREEMENT_MS, nor more than them by more than OVERSTATE_MS. Fresh-connection
 * probes are printed beside: a server shutting down refuses new logins before it ends its sessions,
 * so they see more.
 */
async function assertTruthful(run: Awaited<ReturnType<typeof runClusterFault>>, what: string): Promise<WriterOutage> {
  const wc = run.report.writerChange!;
  const truth = await writerOutage(
    wc.action,
    wc.faultedContainer ?? `faultline-${wc.oldLeader}`,
    wc.newLeader!,
    Date.parse(run.report.cycles[0]!.injectRequestedAt),
    run.dies,
  );
  const lines = PATHS.map(
    (p) =>
      `${p}: detected ${pathOf(run.report, p).cycles[0]!.detectedDowntimeMs} ms, session probes ${run.sessionProbeMs?.[p]} / ${run.sessionWriteProbeMs?.[p]} ms (read / write), fresh-connection probes ${run.probeMs[p]} / ${run.writeProbeMs?.[p]} ms`,
  );
  process.stdout.write(
    `      ${what}: writer endpoint down ${Math.round(truth.ms)} ms (${truth.how}); ${lines.join('; ')}\n`,
  );
  for (const [probe, windows] of Object.entries(run.probeWindows))
    process.stdout.write(`        ${probe}: ${windows}\n`);
  const from = Date.parse(run.report.cycles[0]!.injectRequestedAt) - 1000;
  for (const p of PATHS) {
    const detected = pathOf(run.report, p).cycles[0]!.detectedDowntimeMs;
    assert.ok(detected >= truth.ms - UNDERSTATE_MS, `never less than the cluster's record: ${lines.join('; ')}`);
    // The failover's own outage on this path: the windows opened before the new writer was up. A
    // later window (a stall while the old leader rejoins) is another incident, which a handful of
    // probe sessions may or may not run into; it stays in the report, printed here.
    const reported = pathOf(run.report, p).downtimeWindows.map((w) => ({
      start: Date.parse(w.start),
      end: w.end ? Date.parse(w.end) : Date.parse(run.report.endedAt),
    }));
    const failover = outageMs(reported, from, truth.to);
    // Downtime ends at the first successful operation of any kind, reads included (a new leader
    // still in recovery serves them while it refuses writes): it is held to the read probe. When
    // writes came back is the writer change's figure, held to PostgreSQL's log below.
    const sessionWindows = run.windows[`${p} session SELECT 1`]!;
    const probes = outageMs(sessionWindows, from, truth.to);
    // The workload's outage ends at a real success on the path, after the cluster's record of the
    // new writer being routed to: time the probes' sessions stayed stuck after that (up to their
    // 3 s give-up) is theirs, not the path's. Up to that success the report never says less.
    const servedAt = Math.max(...reported.filter((w) => w.start <= truth.to).map((w) => w.end));
    const probesUntilServed = outageMs(
      sessionWindows.map((w) => ({ start: w.start, end: w.end === null ? servedAt : Math.min(w.end, servedAt) })),
      from,
      truth.to,
    );
    const later = reported.filter((w) => w.start > truth.to).map((w) => `${w.end - w.start} ms`);
    const opened = (windows: Array<{ start: number; end: number | null }>) =>
      Math.round(
        Math.min(...windows.filter((w) => w.start <= truth.to && (w.end ?? Infinity) > from).map((w) => w.start)) -
          truth.from,
      );
    const line =
      `${p}: the failover's outage ${failover} ms (opened ${opened(reported)} ms, served again +${Math.round(servedAt - truth.from)} ms), ` +
      `session read probe ${probes} ms (opened ${opened(sessionWindows)} ms; ${probesUntilServed} ms up to the path's service)${later.length ? `; later windows ${later.join(', ')}` : ''}`;
    process.stdout.write(`      ${line}\n`);
    assert.ok(failover >= probesUntilServed - PROBE_AGREEMENT_MS, `never less than the session probes saw: ${line}`);
    assert.ok(failover <= Math.max(truth.ms, probes) + OVERSTATE_MS, `never more than the truth: ${line}`);
  }
  return truth;
}

/** Time of the windows that opened in [from, by], from `from` on. */
function outageMs(windows: Array<{ start: number; end: number | null }>, from: number, by: number): number {
  return windows
    .filter((w) => w.start <= by && w.end !== null && w.end > from)
    .reduce((sum, w) => sum + (w.end! - Math.max(w.start, from)), 0);
}

/** How far apart two records of one moment may be: Patroni's loop (1 s) and faultline's polling. */
const SAME_MOMENT_MS = 1500;

/**
 * The writer change's figures, held to records the report did not read: the new leader's own
 * PostgreSQL log (its new timeline, when it was ready to commit) and HAProxy's log (when the writer
 * endpoint sent clients to it). No path can have written on the new writer before it could commit
 * and was routed to, nor had its writes start failing after the path served writes again (its
 * session write probe's outage: a proxy path may hold writes through the change and fail them
 * only when its server connections to the old writer break, after the new one is up).
 */
async function assertWriterChangeTimes(
  run: Awaited<ReturnType<typeof runClusterFault>>,
  truth: WriterOutage,
): Promise<void> {
  const wc = run.report.writerChange!;
  const node = run.after.nodes.find((n) => n.member === wc.newLeader)!;
  const promotion = await promotionLogged(node.container, truth.from);
  const lockAt = await leaderLockLogged(node.container, truth.from);
  const at = (iso: string | null) => (iso ? Date.parse(iso) : NaN);
  const since = (t: number) => Math.round(t - truth.from);
  process.stdout.write(
    `      writer change: PostgreSQL on ${wc.newLeader} selected timeline ${promotion.timeline} at +${since(promotion.selectedAt)} ms, ` +
      `ready +${since(promotion.readyAt)} ms, Patroni's leader lock +${since(lockAt)} ms, HAProxy UP +${since(truth.to)} ms; report: leader changed +${since(at(wc.leaderChangedAt))} ms, ` +
      `promoted +${since(at(wc.promotedAt))} ms, timeline ${wc.timelineBefore} -> ${wc.timelineAfter}\n`,
  );
  assert.equal(wc.timelineAfter, promotion.timeline, 'the new timeline is the one PostgreSQL selected');
  assert.ok(
    Math.abs(at(wc.promotedAt) - promotion.selectedAt) <= SAME_MOMENT_MS,
    `promotedAt ${wc.promotedAt} is when PostgreSQL promoted (${new Date(promotion.selectedAt).toISOString()})`,
  );
  assert.ok(
    Math.abs(at(wc.leaderChangedAt) - lockAt) <= SAME_MOMENT_MS,
    `leaderChangedAt ${wc.leaderChangedAt} is when Patroni on ${wc.newLeader} took the leader lock (${new Date(lockAt).toISOString()})`,
  );
  for (const p of wc.paths) {
    const first = at(p.firstWriteAt);
    const failedFrom = at(p.writesFailedFrom);
    if (p.firstWriteAt === null && p.writesFailedFrom === null) continue; // no write failed or was held
    assert.ok(
      // Not before the new timeline: PostgreSQL logs "ready to accept connections" only after the
      // first writes may already have committed on it.
      first >= promotion.selectedAt && first >= truth.to - UNDERSTATE_MS,
      `${p.path}: the first write on the new writer (${p.firstWriteAt}) came after its new timeline ` +
        `(${new Date(promotion.selectedAt).toISOString()}) and after HAProxy routed to it (${new Date(truth.to).toISOString()}): ${JSON.stringify(p)}`,
    );
    // HAProxy may route to the new leader before PostgreSQL has left recovery (Patroni answers
    // /primary first): writes then start failing on it, read_only, until it can commit.
    const newWriterUp = Math.max(truth.to, promotion.readyAt);
    const pathBack = Math.max(
      newWriterUp,
      ...(run.windows[`${p.path} session SELECT txid_current()`] ?? [])
        .filter((w) => w.start <= newWriterUp && w.end !== null)
        .map((w) => w.end!),
    );
    assert.ok(
      failedFrom >= truth.from - STALL_MS && failedFrom <= pathBack,
      `${p.path}: writes failed from ${p.writesFailedFrom}, between the old writer stopping (${new Date(truth.from).toISOString()}) ` +
        `and the path's serving writes again (${new Date(pathBack).toISOString()}, its session write probe)`,
    );
    assert.equal(p.afterLeaderChangeMs, first - at(wc.leaderChangedAt), `${p.path}: afterLeaderChangeMs adds up`);
  }
  await assertStagesTruthful(run, truth, PATHS, { understateMs: UNDERSTATE_MS, overstateMs: OVERSTATE_MS });
}

async function assertWholeAfter(run: Awaited<ReturnType<typeof runClusterFault>>): Promise<void> {
  const wc = run.report.writerChange!;
  assert.ok(wc, 'the report names the writer change');
  assert.equal(wc.oldLeader, run.leaderBefore, 'the old leader is the one Patroni named before');
  assert.ok(
    wc.newLeader && wc.newLeader !== wc.oldLeader,
    `a new leader was elected (${wc.oldLeader} -> ${wc.newLeader})`,
  );
  assert.ok(
    clusterHealthy(run.after.view, run.after.nodes.length),
    `the cluster is whole after the restore: ${JSON.stringify(run.after.view)}`,
  );
  const old = run.after.view!.members.find((m) => m.name === wc.oldLeader)!;
  assert.notEqual(
    old.role,
    'leader',
    `the old leader ${wc.oldLeader} rejoined as a replica (${old.role}, ${old.state})`,
  );
  assert.equal(leadersOf(run.after.view)[0]!.name, wc.newLeader, 'Patroni names the same new leader as the report');
  assert.ok(
    (wc.timelineAfter ?? 0) > (wc.timelineBefore ?? Infinity),
    `a new timeline (${wc.timelineBefore} -> ${wc.timelineAfter})`,
  );
  const splitBrain = run.roles.checks.filter((c) => c.leaders.length > 1);
  assert.equal(
    splitBrain.length,
    0,
    `at most one node takes writes (out of recovery) at every check: ${JSON.stringify(splitBrain.slice(0, 3))}`,
  );
  assert.deepEqual(
    await writableNodes(),
    [wc.newLeader],
    'after the restore exactly one node takes writes: the new leader',
  );
  const missing = await run.ledger.missing();
  assert.ok(run.ledger.acknowledged.length > 20, `the ledger wrote (${run.ledger.acknowledged.length} acknowledged)`);
  assert.deepEqual(missing, [], `no acknowledged commit is lost (${run.ledger.acknowledged.length} acknowledged)`);
  // The product's own audit of its business writes, on the writer: nothing acknowledged lost either.
  const { clusterPort, dbPort } = labSettings();
  await assertAuditMatches(
    run.report,
    Object.fromEntries(run.report.paths.map((p) => [p.path, p.path.startsWith('cluster') ? clusterPort : dbPort])),
  );
  for (const a of run.report.writeAudits!)
    assert.ok(a.holds && a.lost === 0 && a.acknowledged > 0, `${a.path}: business-write audit ${JSON.stringify(a)}`);
  for (const p of wc.paths) {
    process.stdout.write(
      `      ${p.path}: ${p.failedWrites} writes failed, ${p.heldWrites} held, from ${p.writesFailedFrom}; first write on the new writer ${p.afterLeaderChangeMs} ms after the leader change\n`,
    );
  }
}

describe('a real failover: the Patroni cluster (issue 15)', function () {
  this.timeout(300_000);

  it('kill-leader: a new leader, the old one back as a replica, downtime on both paths as the probes saw it, no acknowledged write lost', async () => {
    const run = await runClusterFault('kill-leader', 8);
    await assertWriterChangeTimes(run, await assertTruthful(run, 'kill-leader'));
    await assertWholeAfter(run);
    const direct = pathOf(run.report, 'cluster');
    assert.ok(direct.overall.total.failures > 0, 'the workload on the writer endpoint saw errors');
    assert.equal(direct.openAtEnd, false, 'and recovered');
    const change = run.report.writerChange!.paths.find((p) => p.path === 'cluster')!;
    assert.ok(change.firstWriteAt !== null && change.failedWrites > 0, 'writes failed and came back on the new writer');
    await assertStagesPage(run.result.report.html, run.report);
  });

  it('switchover: planned, the same checks; a path the fault does not reach has its own ground truth, 0', async () => {
    const run = await runClusterFault('switchover', 5, undefined, {}, [UNTOUCHED]);
    const outage = await assertTruthful(run, 'switchover');
    await assertWriterChangeTimes(run, outage);
    await assertWholeAfter(run);
    // The standalone database is not in the cluster: its truth is its own probe's, not the cluster paths'.
    const untouched = pathOf(run.report, UNTOUCHED).cycles[0]!;
    const fresh = run.windows[`${UNTOUCHED} fresh SELECT 1`]!;
    const sessions = run.windows[`${UNTOUCHED} session SELECT 1`]!;
    const line =
      `${UNTOUCHED}: ${JSON.stringify(untouched)}; independent probes, fresh ${run.probeWindows[`${UNTOUCHED} fresh SELECT 1`] || 'no window'}, ` +
      `sessions ${run.probeWindows[`${UNTOUCHED} session SELECT 1`] || 'no window'}`;
    process.stdout.write(`      ${line}\n`);
    // Its truth is what fresh logins on it saw, never the cluster paths' outage. On this 2-vCPU
    // machine a fresh login can take over a second while the cluster checkpoints and rejoins: the
    // independent probe then sees such a stall too, and the report's figure may not exceed it.
    assert.deepEqual(sessions, [], `the session probes saw ${UNTOUCHED} serve throughout: ${line}`);
    assert.deepEqual(
      run.report.writerChange!.pathsNotInCluster,
      [UNTOUCHED],
      `the writer change names ${UNTOUCHED} as another database system, with no figures of its own`,
    );
    const freshMs = run.probeMs[UNTOUCHED]!;
    if (fresh.length === 0)
      assert.equal(untouched.groundTruthMs, 0, `its probe, as the independent one, saw no outage: ${line}`);
    assert.ok(
      untouched.groundTruthMs === null || untouched.groundTruthMs <= freshMs + UNDERSTATE_MS,
      `its ground truth is at most what fresh logins on it saw (${freshMs} ms): ${line}`,
    );
    if (untouched.groundTruthMs === 0) assert.equal(untouched.note, undefined, `no note about new logins: ${line}`);
    assert.ok(
      untouched.detectedDowntimeMs <= PROBE_AGREEMENT_MS,
      `nor detected downtime, beyond what the session probes saw (none): ${line}`,
    );
  });

  it('failover to a named member: it leads after; the reader endpoint serves from a replica before and after', async () => {
    const { nodes, view } = await clusterNow();
    const candidate = view!.members.find((m) => m.role !== 'leader')!.name;
    const ipOf = async (member: string) => {
      const info = await docker.getContainer(nodes.find((n) => n.member === member)!.containerId).inspect();
      return Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress);
    };
    const before = await readerAnswers();
    assert.equal(before.inRecovery, true, 'the reader endpoint answers from a replica');
    assert.ok(
      (await ipOf(candidate)).includes(before.serverIp),
      `and that replica is ${candidate} (${before.serverIp})`,
    );
    const run = await runClusterFault('failover', 5, undefined, { candidate });
    assert.equal(run.report.writerChange!.newLeader, candidate, 'the named member leads');
    await assertWriterChangeTimes(run, await assertTruthful(run, 'failover'));
    await assertWholeAfter(run);
    // The old leader, a replica again, is what the reader endpoint serves once its /replica check passes.
    const oldLeaderIps = await ipOf(run.leaderBefore);
    const noAnswer = (err: Error) => ({ inRecovery: false, serverIp: `none (${err.message})` });
    let after = await readerAnswers().catch(noAnswer);
    for (const deadline = Date.now() + 15_000; !oldLeaderIps.includes(after.serverIp) && Date.now() < deadline;)
      after = await readerAnswers(500).catch(noAnswer);
    process.stdout.write(
      `      reader endpoint: ${candidate} (${before.serverIp}) before, ${run.leaderBefore} (${after.serverIp}) after\n`,
    );
    assert.equal(after.inRecovery, true, 'the reader endpoint answers from a replica after the failover');
    assert.ok(oldLeaderIps.includes(after.serverIp), `and that replica is the old leader ${run.leaderBefore}`);
  });

  it('partition-leader: the old leader stops taking writes, no split brain, it rejoins after the partition heals', async () => {
    let refusal = '';
    const run = await runClusterFault('partition-leader', 20, async () => {
      // Once another node leads, the partitioned one must refuse writes (it demoted itself).
      const deadline = Date.now() + 120_000;
      let leader: string | undefined;
      let old: string | undefined;
      while (Date.now() < deadline) {
        const { nodes, view } = await clusterNow();
        const current = leadersOf(view)[0]?.name;
        old ??= current;
        if (current && old && current !== old) {
          leader = current;
          refusal = await localWrite(nodes.find((n) => n.member === old)!.container);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(leader, 'a new leader was seen during the partition');
    });
    process.stdout.write(`      the partitioned old leader, asked to write: ${refusal.trim()}\n`);
    assert.match(
      refusal,
      /read-only transaction|recovery|shutting down|starting up|refused/,
      'the old leader refuses writes while partitioned',
    );
    await assertWriterChangeTimes(run, await assertTruthful(run, 'partition-leader'));
    await assertWholeAfter(run);
  });

  it('lose-writes on the synchronous cluster (asynchronous: false): the synchronous standby takes over, nothing acknowledged is lost', async () => {
    const before = await clusterReplicationNow();
    assert.ok(before.synchronousMode && before.syncStandby, `the cluster is synchronous before: ${before.text}`);
    const run = await runClusterFault('lose-writes', 10, undefined, { holdSeconds: 3, asynchronous: false });
    assert.equal(run.report.writerChange?.newLeader, before.syncStandby, 'the synchronous standby took over');
    const { report } = run;
    const missing = await run.ledger.missing();
    process.stdout.write(
      `      the test's own ledger: ${run.ledger.acknowledged.length} acknowledged, ${missing.length} lost\n`,
    );
    for (const a of report.writeAudits ?? [])
      process.stdout.write(`      ${a.path}: audit ${JSON.stringify({ ...a, examples: undefined })}\n`);
    assert.deepEqual(missing, [], "the test's own acknowledged commits are all on the new leader");
    await assertWholeAfter(run);
    const after = await clusterReplicationNow();
    assert.deepEqual(
      { synchronousMode: after.synchronousMode, maximumLag: after.maximumLag, saved: after.saved },
      { synchronousMode: before.synchronousMode, maximumLag: before.maximumLag, saved: false },
      `the replication settings were left alone: ${after.text}`,
    );
  });

  // Last: it loses writes on purpose, and everything before it must find the cluster synchronous.
  it('lose-writes: asynchronous, the WAL held back, the leader killed: the audit counts the lost writes as the tables do; synchronous again after', async () => {
    const before = await clusterReplicationNow();
    assert.equal(before.synchronousMode, true, `the lab's cluster replicates synchronously before: ${before.text}`);
    const run = await runClusterFault('lose-writes', 10, undefined, { holdSeconds: 3 });
    const { report } = run;
    // The loss is real: the test's own client, writing through the writer endpoint, lost commits too.
    const missing = await run.ledger.missing();
    process.stdout.write(
      `      the test's own ledger: ${run.ledger.acknowledged.length} acknowledged, ${missing.length} lost\n`,
    );
    assert.ok(
      missing.length > 0,
      `the test's own acknowledged commits were lost too (${run.ledger.acknowledged.length})`,
    );
    await assertWriterChangeTimes(run, await assertTruthful(run, 'lose-writes'));
    const { clusterPort } = labSettings();
    await assertAuditMatches(report, Object.fromEntries(PATHS.map((p) => [p, clusterPort])));
    const audits = report.writeAudits!;
    const kill = run.dies.events.find((e) => e.name === report.writerChange!.faultedContainer)!;
    assert.ok(kill, `Docker saw the old leader ${report.writerChange!.faultedContainer} die`);
    for (const a of audits) {
      // The audit's acknowledged writes are the measurement's successes and its written ones the
      // tables' rows (assertAuditMatches); the lost ones it names are in no row of the tables.
      const lostIds = a.examples.filter((e) => e.endsWith('(lost)')).map((e) => e.split(': ')[0]!);
      process.stdout.write(
        `      ${a.path}: audit ${a.lost} lost of ${a.acknowledged} acknowledged (span ${JSON.stringify(a.lostSpan)}); ` +
          `${lostIds.length} of them named; old leader died ${new Date(kill.at).toISOString()}\n`,
      );
      assert.ok(a.lost === 0 || lostIds.length > 0, `${a.path}: the audit names its lost writes`);
      assert.deepEqual(await idsInTables(lostIds, clusterPort), [], `${a.path}: no row carries a lost write's id`);
      assert.equal(
        a.holds,
        a.lost === 0 && a.partialPurchases === 0 && a.writtenDespiteFailure === 0,
        `${a.path}: holds`,
      );
      if (a.lost === 0) continue;
      // The lookup itself finds writes: the path's first ten, made in the warm-up, are mostly there.
      const firstTen = Array.from({ length: 10 }, (_, n) => lostIds[0]!.replace(/-\d+$/, `-${n}`));
      assert.ok((await idsInTables(firstTen, clusterPort)).length > 0, `${a.path}: the lookup finds ${firstTen[0]}..`);
      // Lost writes were acknowledged after the inject began and before the leader died; the span is
      // the ledger's time marks around them, one per flush, so each end is late by up to a flush.
      const span = { from: Date.parse(a.lostSpan!.from), to: Date.parse(a.lostSpan!.to) };
      assert.ok(
        span.from >= Date.parse(report.cycles[0]!.injectRequestedAt) - LEDGER_FLUSH_MS &&
          span.to <= kill.at + LEDGER_FLUSH_MS,
        `${a.path}: the lost writes' span lies between the inject and the kill`,
      );
    }
    const lost = audits.reduce((n, a) => n + a.lost, 0);
    assert.ok(lost > 0, `the audit found lost writes (${audits.map((a) => `${a.path} ${a.lost}`).join(', ')})`);
    assert.equal(report.verdict, 'violated', report.verdictReason);
    assert.match(report.verdictReason, /lost/, 'the verdict says writes were lost');
    // Put back: synchronous again, the saved settings gone, the old leader its synchronous standby.
    const after = await clusterReplicationNow();
    process.stdout.write(`      after the restore: ${after.text}\n`);
    assert.deepEqual(
      { synchronousMode: after.synchronousMode, maximumLag: after.maximumLag, saved: after.saved },
      { synchronousMode: true, maximumLag: before.maximumLag, saved: false },
      `the replication settings are the ones before: ${after.text}`,
    );
    assert.equal(
      after.syncStandby,
      report.writerChange!.oldLeader,
      `the old leader is the synchronous standby: ${after.text}`,
    );
    assert.ok(clusterHealthy(run.after.view, run.after.nodes.length), 'the cluster is whole after the restore');
  });
});
