/** A failover's stages per path (pure logic; the cluster tests hold them to the cluster's own records). */
import assert from 'node:assert/strict';
import { failoverStagesOf, stageText, type StageName } from '../../src/activities/report/failover-stages';
import { failoverStagesLines } from '../../src/activities/report/failover-stages-render';
import type { ExperimentOutcome } from '../../src/shared/experiment-types';
import type { WorkloadResult, WriteOutage } from '../../src/shared/workload-types';

const T0 = Date.parse('2026-12-03T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function outcome(): ExperimentOutcome {
  return {
    injection: {
      injectRequestedAt: at(0),
      target: { name: 'faultline-cluster' },
      patroni: {
        oldLeader: 'node1',
        newLeader: 'node2',
        leaderChangedAt: at(5200),
        promotedAt: at(5100),
        timelineAfter: 4,
        leaderLost: { at: at(40), until: at(45), how: 'killed (SIGKILL)' },
        reachedPaths: ['cluster'],
      },
      paths: {
        cluster: {
          downAt: at(60),
          servingAgainAt: at(5400),
          routed: { from: '172.18.0.5', to: '172.18.0.6', at: at(5350) },
        },
      },
    },
  } as unknown as ExperimentOutcome;
}

const o = (start: number, end: number | null, failures: number): WriteOutage => ({
  start: at(start),
  end: end === null ? null : at(end),
  failures,
});

function workload(connection: string, reads: WriteOutage[], writes: WriteOutage[]): WorkloadResult {
  return {
    connection,
    downtime: { windows: [{ start: at(70), end: at(5380), durationMs: 5310, failures: 9, stalls: 0 }] },
    readOutages: reads,
    writeOutages: writes,
  } as unknown as WorkloadResult;
}

const byName = (stages: ReturnType<typeof failoverStagesOf>, path: string, name: StageName) =>
  stages!.find((p) => p.path === path)!.stages.find((s) => s.stage === name)!;

describe('failover stages per path', () => {
  it('each stage from its own record, in the order a failover runs, only on the paths the cluster reaches', () => {
    const blip = o(-900, -800, 1); // ended before the inject: not this fault's
    const stages = failoverStagesOf(
      outcome(),
      [workload('cluster', [blip, o(65, 5390, 20)], [o(55, 5420, 6)]), workload('direct', [], [])],
      [{ path: 'cluster', readOnlyErrors: 3, firstAt: at(5396), lastAt: at(5600), spanMs: 205, writeDowntimeMs: 5365 }],
    );
    assert.deepEqual(
      stages!.map((p) => p.path),
      ['cluster'],
      'a path to another database system has no stages',
    );
    const ms = (name: StageName) => byName(stages, 'cluster', name).afterInjectMs;
    assert.equal(ms('fault injected'), 0);
    assert.equal(ms('first failed or held operation'), 55, 'the earliest of the write, read and downtime windows');
    assert.equal(ms('leader lost'), 40);
    assert.equal(ms('new writer promoted'), 5100);
    assert.equal(ms('endpoint routed to another server'), 5350);
    assert.equal(ms('first read served'), 5390);
    assert.equal(ms('first write acknowledged'), 5420);
    assert.equal(ms('stale-writer window'), 5396);
    assert.match(
      stageText(byName(stages, 'cluster', 'stale-writer window')),
      /\+5\.40 s to \+5\.60 s \(3 writes refused/,
    );
    assert.match(
      byName(stages, 'cluster', 'endpoint routed to another server').detail,
      /reached 172\.18\.0\.6, not 172\.18\.0\.5/,
    );
    assert.match(
      failoverStagesLines(stages!)[0]!,
      /cluster: first failed \+0\.06 s, leader lost \+0\.04 s to \+0\.04 s, promoted \+5\.10 s, routed \+5\.35 s/,
    );
  });

  it('a stage not seen says so instead of a time', () => {
    const noRoute = outcome();
    delete noRoute.injection!.paths!.cluster!.routed;
    const stages = failoverStagesOf(noRoute, [workload('cluster', [o(10, null, 4)], [])], undefined);
    const routed = byName(stages, 'cluster', 'endpoint routed to another server');
    assert.equal(routed.at, null);
    assert.match(stageText(routed), /: - \(no fresh connection of the probe reached another server/);
    assert.match(byName(stages, 'cluster', 'first read served').detail, /had not come back/);
    assert.match(byName(stages, 'cluster', 'first write acknowledged').detail, /no write failed or was held across/);
    assert.match(byName(stages, 'cluster', 'stale-writer window').detail, /no write refused/);
  });

  it('held reads: the first of them served after the change, not the last; a read back before the promotion counts', () => {
    const heldReads: WriteOutage = { ...o(1762, 5584, 0), held: 3, firstServedAt: at(4400) };
    const early = o(60, 5000, 7); // a new leader still in recovery serves reads before its promotion (5100)
    const stages = failoverStagesOf(outcome(), [workload('cluster', [heldReads], [])], undefined);
    const read = byName(stages, 'cluster', 'first read served');
    assert.equal(read.afterInjectMs, 4400);
    assert.match(read.detail, /0 failed and 3 held from .*; the last held one 10:00:05\.584/);
    const inRecovery = failoverStagesOf(outcome(), [workload('cluster', [early], [])], undefined);
    assert.equal(byName(inRecovery, 'cluster', 'first read served').afterInjectMs, 5000);
  });

  it('no writer change, no stages', () => {
    const none = outcome();
    none.injection!.patroni!.newLeader = null;
    assert.equal(failoverStagesOf(none, [workload('cluster', [], [])], undefined), undefined);
  });
});
