/** The writer change's figures per path (pure logic; the cluster tests hold them to PostgreSQL's log). */
import assert from 'node:assert/strict';
import { noOutageAcross, writerChangeOf } from '../../src/activities/report/writer-change';
import type { ExperimentOutcome } from '../../src/shared/experiment-types';
import type { WorkloadResult, WriteOutage } from '../../src/shared/workload-types';

const T0 = Date.parse('2026-11-24T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

const outcome = (promotedMs: number, changeMs: number) =>
  ({
    injection: {
      injectRequestedAt: at(0),
      target: { name: 'faultline-cluster' },
      patroni: { leaderChangedAt: at(changeMs), promotedAt: at(promotedMs) },
    },
  }) as unknown as ExperimentOutcome;

const workload = (writeOutages: WriteOutage[]) => ({ connection: 'cluster-proxy', writeOutages }) as WorkloadResult;

describe('writer change per path', () => {
  it('a write that failed and then succeeded on the old writer is not the first write on the new one', () => {
    const blip: WriteOutage = { start: at(100), end: at(300), failures: 2 };
    const real: WriteOutage = { start: at(1200), end: at(2600), failures: 5, held: 1 };
    const change = writerChangeOf(outcome(1357, 2152), [workload([blip, real])])!;
    const p = change.paths[0]!;
    assert.equal(p.writesFailedFrom, real.start);
    assert.equal(p.firstWriteAt, real.end);
    assert.equal(p.failedWrites, 7, 'every write that failed from the inject to the first write on the new writer');
    assert.equal(p.heldWrites, 1);
    assert.equal(p.afterLeaderChangeMs, 2600 - 2152);
    assert.equal(p.afterInjectMs, 2600);
  });

  it('one outage spanning the change, and an outage still open at the end', () => {
    const only: WriteOutage = { start: at(50), end: at(3000), failures: 9 };
    assert.equal(writerChangeOf(outcome(1000, 1100), [workload([only])])!.paths[0]!.firstWriteAt, only.end);
    const open: WriteOutage = { start: at(50), end: null, failures: 3 };
    const p = writerChangeOf(outcome(1000, 1100), [workload([open])])!.paths[0]!;
    assert.equal(p.firstWriteAt, null);
    assert.equal(p.afterInjectMs, null);
  });

  it('no outage open at the takeover: no first write on the new writer is claimed, the earlier failures still counted', () => {
    const blip: WriteOutage = { start: at(100), end: at(300), failures: 2 };
    const held: WriteOutage = { start: at(400), end: at(900), failures: 0, held: 1 };
    const p = writerChangeOf(outcome(1357, 2152), [workload([blip, held])])!.paths[0]!;
    assert.equal(p.writesFailedFrom, null);
    assert.equal(p.firstWriteAt, null);
    assert.equal(p.afterInjectMs, null);
    assert.equal(p.failedWrites, 2);
    assert.equal(p.heldWrites, 1);
    assert.match(noOutageAcross(p), /across the leader change \(2 failed, 1 held before it/);
  });

  it('a path to another database system has no writer change: it is named apart, with no figures', () => {
    const o = outcome(1357, 2152);
    o.injection!.patroni!.reachedPaths = ['cluster-proxy'];
    const held: WriteOutage = { start: at(13_000), end: at(14_000), failures: 0, held: 1 };
    const direct = { connection: 'direct', writeOutages: [held] } as WorkloadResult;
    const change = writerChangeOf(o, [workload([]), direct])!;
    assert.deepEqual(
      change.paths.map((p) => p.path),
      ['cluster-proxy'],
    );
    assert.deepEqual(change.pathsNotInCluster, ['direct']);
  });

  it('an older history, without the record of which paths reach the cluster, keeps every path', () => {
    const change = writerChangeOf(outcome(1357, 2152), [workload([])])!;
    assert.deepEqual(change.pathsNotInCluster, []);
    assert.equal(change.paths.length, 1);
  });
});
