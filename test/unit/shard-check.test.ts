/** Before the inject, every shard of a path must have measured, each on a worker of its own (pure logic). */
import assert from 'node:assert/strict';
import { parseExperiment } from '../../src/shared/experiment-schema';
import type { WorkloadProgress } from '../../src/shared/workload-types';
import { shardProblem } from '../../src/workflows/chaos-experiment/shard-check';

const definition = parseExperiment({
  name: 'shards',
  paths: ['direct'],
  fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } },
  workload: { concurrentWorkers: 4, poolSize: 4, shards: 2 },
});

const heard = (index: number, worker: string, attempts = 12): [string, WorkloadProgress] => [
  `direct#${index}`,
  { connection: 'direct', attempts, shard: { index, count: 2, worker } } as WorkloadProgress,
];

describe('every shard measuring before the inject', () => {
  it('two shards, each measured on a worker of its own: no problem', () => {
    assert.equal(shardProblem({ definition, live: new Map([heard(0, '1@a'), heard(1, '2@a')]) }), undefined);
  });

  it('a shard not heard, or heard with nothing measured: named, with workload.shards', () => {
    assert.match(
      shardProblem({ definition, live: new Map([heard(0, '1@a')]) }) ?? '',
      /^workload\.shards: shard 2 of 2 on direct measured nothing within 30 s/,
    );
    assert.match(
      shardProblem({ definition, live: new Map([heard(0, '1@a', 0), heard(1, '2@a')]) }) ?? '',
      /^workload\.shards: shard 1 of 2 on direct measured nothing/,
    );
  });

  it('two shards on one worker: named', () => {
    assert.match(
      shardProblem({ definition, live: new Map([heard(0, '1@a'), heard(1, '1@a')]) }) ?? '',
      /^workload\.shards: shards 1, 2 of direct measured on one worker \(1@a\)/,
    );
  });
});
