/**
 * Every form of the report (JSON, HTML, console) names the client that measured
 * each path, as the measurements recorded it (each shard's own), with the pool size, the timeouts
 * and the reconnect policy. A short synthetic run (the real measurement code, no database).
 */
import assert from 'node:assert/strict';
import { PathMeasurement } from '../../src/activities/workload/measurement/path-measurement';
import { buildReport } from '../../src/activities/report/report-model';
import { renderConsole } from '../../src/activities/report/render-console';
import { renderHtml } from '../../src/activities/report/render-html';
import { parseExperiment } from '../../src/shared/experiment-schema';
import type { ExperimentOutcome } from '../../src/shared/experiment-types';
import type { PathMeasurementSummary } from '../../src/shared/measurement-types';
import type { ClientInUse } from '../../src/shared/workload-types';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');

function measuredRun(): ReturnType<PathMeasurement['result']> {
  const m = new PathMeasurement({
    connection: 'direct',
    stallThresholdMs: 1000,
    phaseOf: () => 'warmup',
    startedAt: T0,
  });
  for (let i = 0; i < 10; i++) {
    const at = T0 + i * 10;
    m.succeeded(m.started(at), { name: 'active_users', type: 'read' }, at, at + 3, 3000);
  }
  return m.result(T0 + 200, 'signal');
}

const summary = (measuredWith?: ClientInUse, shard?: number): PathMeasurementSummary => ({
  connection: 'direct',
  checkpointFile: '/nowhere',
  attempts: 5,
  failures: 0,
  downtimeMs: 0,
  openAtEnd: false,
  openSince: null,
  gaps: [],
  stoppedBy: 'signal',
  ...(measuredWith ? { measuredWith } : {}),
  ...(shard !== undefined ? { shard: { index: shard, count: 2, worker: `${shard + 100}@host` } } : {}),
});

function reportOf(workload: object, path: PathMeasurementSummary) {
  const outcome: ExperimentOutcome = {
    experimentId: 'unit-client',
    definition: parseExperiment({ name: 'client', workload }),
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 200).toISOString(),
    verdict: 'held',
    verdictReason: 'baseline',
    paths: [path],
  };
  const report = buildReport(outcome, [measuredRun()]);
  return {
    json: JSON.parse(JSON.stringify(report)) as typeof report,
    console: renderConsole(report),
    html: renderHtml(report),
  };
}

describe('the measuring client in the report (unit)', () => {
  it('5 workers, pool 4, 2 shards: each shard recorded pool, and all three forms say so', () => {
    const shards = [
      summary({ client: 'pool', workers: 3, connections: 2 }, 0),
      summary({ client: 'pool', workers: 2, connections: 2 }, 1),
    ];
    const { json, console, html } = reportOf(
      { concurrentWorkers: 5, poolSize: 4, shards: 2 },
      { ...summary(), shards },
    );
    const path = json.paths[0]!;
    assert.deepEqual(path.measuringClient, {
      client: 'pool',
      concurrentWorkers: 5,
      poolSize: 4,
      connectTimeoutMs: 3000,
      tcpConnectTimeoutMs: 250,
      statementTimeoutMs: 15000,
      stallThresholdMs: 1000,
      reconnect: path.measuringClient!.reconnect,
    });
    assert.match(path.measuringClient!.reconnect, /^The workers share a pool of up to 4 connections/);
    assert.deepEqual(
      path.shards!.map((s) => s.measuredWith),
      [
        { client: 'pool', workers: 3, connections: 2 },
        { client: 'pool', workers: 2, connections: 2 },
      ],
    );
    assert.match(
      console,
      /- Measuring client: pool \(the workers share a pg pool\), 5 workers, pool size 4; connect timeout 3000 ms, TCP handshake 250 ms, statement timeout 15000 ms, stall threshold 1000 ms\n {2}Reconnect policy: The workers share a pool of up to 4 connections/,
    );
    assert.match(
      console,
      /#1 on 100@host \(pool, 3 workers, 2 connections\): .*#2 on 101@host \(pool, 2 workers, 2 connections\)/,
    );
    assert.match(
      html,
      /<b>Measuring client:<\/b> pool \(the workers share a pg pool\), 5 workers, pool size 4; connect timeout 3000 ms/,
    );
    assert.match(html, /<b>Reconnect policy:<\/b> The workers share a pool of up to 4 connections/);
    assert.match(html, /<tr><td>#1<\/td><td>100@host<\/td><td>pool<\/td><td>3<\/td><td>2<\/td>/);
    assert.match(html, /<tr><td>#2<\/td><td>101@host<\/td><td>pool<\/td><td>2<\/td><td>2<\/td>/);
  });

  it('an unsharded dedicated path: its own record, and the dedicated reconnect policy', () => {
    const { json, console } = reportOf({}, summary({ client: 'dedicated', workers: 3, connections: 3 }));
    assert.equal(json.paths[0]!.measuringClient!.client, 'dedicated');
    assert.match(console, /Measuring client: dedicated \(each worker its own connection\), 3 workers, pool size 5/);
    assert.match(console, /Reconnect policy: Each worker keeps its own connection; .* is dropped at once/);
  });

  it('reports what the measurement recorded, not what the definition asked (pool asked, dedicated recorded)', () => {
    const { json } = reportOf({ client: 'pool' }, summary({ client: 'dedicated', workers: 3, connections: 3 }));
    assert.equal(json.paths[0]!.measuringClient!.client, 'dedicated');
  });

  it('shards that differed are "mixed"; a measurement that recorded nothing falls back to the definition', () => {
    const shards = [
      summary({ client: 'pool', workers: 3, connections: 2 }, 0),
      summary({ client: 'dedicated', workers: 2, connections: 2 }, 1),
    ];
    const mixed = reportOf({ concurrentWorkers: 5, poolSize: 4, shards: 2 }, { ...summary(), shards });
    assert.equal(mixed.json.paths[0]!.measuringClient!.client, 'mixed');
    assert.match(mixed.console, /Measuring client: mixed \(the shards differed\)/);
    const older = reportOf({ concurrentWorkers: 5, poolSize: 4 }, summary());
    assert.equal(older.json.paths[0]!.measuringClient!.client, 'pool');
  });

  it('custom reads: all three forms say they ran READ ONLY, and in how many round trips for the client', () => {
    const custom = {
      custom: [
        { name: 'get_user', weight: 7, statement: 'SELECT 1 FROM business_users WHERE id = $1', parameters: [1] },
        { name: 'add_log', weight: 3, statement: "INSERT INTO business_logs (action) VALUES ('x')", parameters: [] },
      ],
    };
    const dedicated = reportOf(custom, summary({ client: 'dedicated', workers: 3, connections: 3 }));
    assert.match(dedicated.json.paths[0]!.measuringClient!.customReads ?? '', /READ ONLY transaction, one round trip/);
    assert.match(dedicated.console, /Custom reads: a READ ONLY transaction, one round trip each .*under one Sync/);
    assert.match(dedicated.html, /<b>Custom reads:<\/b> a READ ONLY transaction, one round trip/);
    const pool = reportOf(custom, summary({ client: 'pool', workers: 3, connections: 2 }));
    assert.match(pool.console, /Custom reads: a READ ONLY transaction, three round trips each/);
    const business = reportOf({}, summary({ client: 'dedicated', workers: 3, connections: 3 }));
    assert.equal(business.json.paths[0]!.measuringClient!.customReads, undefined);
    assert.doesNotMatch(business.console, /Custom reads/);
  });
});
