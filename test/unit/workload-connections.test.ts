/**
 * The workload's connections are what `workload.client` says, never chosen from
 * the pool's size where they are opened. Nothing connects: the runners are only built.
 */
import assert from 'node:assert/strict';
import { openWorkloadConnections } from '../../src/activities/workload/clients/workload-connections';
import { WorkerConnection } from '../../src/activities/workload/clients/worker-connection';
import { parseWorkloadSettings, shardSettings } from '../../src/shared/workload-settings';

describe('workload connections (unit, nothing connects)', () => {
  before(() => (process.env.FAULTLINE_CONNECTION_UNITCLIENT = 'postgres://u:p@127.0.0.1:9/none'));
  after(() => delete process.env.FAULTLINE_CONNECTION_UNITCLIENT);

  const open = (settings: object, shard?: [number, number]) => {
    const parsed = parseWorkloadSettings(settings);
    return openWorkloadConnections('unitclient', shard ? shardSettings(parsed, ...shard) : parsed, 'unit');
  };

  it('dedicated: a connection of its own for each worker', async () => {
    const c = open({ concurrentWorkers: 3, poolSize: 5 });
    assert.deepEqual([c.client, c.connections], ['dedicated', 3]);
    assert.ok(c.runnerFor(0) instanceof WorkerConnection);
    assert.notEqual(c.runnerFor(0), c.runnerFor(2));
    await c.close();
  });

  it('pool: one shared runner, even when the pool has a connection for every worker', async () => {
    const c = open({ concurrentWorkers: 2, poolSize: 8, client: 'pool' });
    assert.deepEqual([c.client, c.connections], ['pool', 8]);
    assert.ok(!(c.runnerFor(0) instanceof WorkerConnection));
    assert.equal(c.runnerFor(0), c.runnerFor(1));
    await c.close();
  });

  it('5 workers, pool 4, 2 shards: both shards open the pool (shard 1 has 2 workers and 2 connections)', async () => {
    const shards = [0, 1].map((i) => open({ concurrentWorkers: 5, poolSize: 4, shards: 2 }, [i, 2]));
    assert.deepEqual(
      shards.map((c) => [c.client, c.connections]),
      [
        ['pool', 2],
        ['pool', 2],
      ],
    );
    await Promise.all(shards.map((c) => c.close()));
  });
});
