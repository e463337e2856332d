/** The experiment definition (pure logic): examples valid, schema file current, bad fields named. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { experimentJsonSchema } from '../../src/cli/commands/schema';
import { PROJECT_ROOT } from '../../src/platform/settings';
import { parseExperiment } from '../../src/shared/experiment-schema';

describe('experiment definition', () => {
  for (const file of readdirSync(path.join(PROJECT_ROOT, 'examples')).filter((f) => f.endsWith('.json'))) {
    it(`examples/${file} is valid`, () => {
      parseExperiment(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'examples', file), 'utf8')));
    });
  }

  it('schema/experiment.schema.json is what `faultline schema` prints', () => {
    const committed = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'schema', 'experiment.schema.json'), 'utf8'));
    assert.deepEqual(committed, experimentJsonSchema(), 'run `bin/faultline schema > schema/experiment.schema.json`');
  });

  const base = { name: 'x', fault: { kind: 'docker', action: 'stop', target: { container: 'faultline-db' } } };
  const bad: Array<[unknown, RegExp]> = [
    [{ ...base, name: '' }, /name: must not be empty/],
    [{ ...base, fault: { ...base.fault, action: 'explode' } }, /fault\.action/],
    [{ ...base, fault: { ...base.fault, kind: 'volcano' } }, /fault/],
    [{ ...base, fault: { ...base.fault, target: {} } }, /fault\.target: give exactly one of container or label/],
    [{ ...base, paths: ['Direct!'] }, /paths\.0: must be a connection name/],
    [
      { ...base, fault: { kind: 'network', action: 'latency', target: { container: 'db' } } },
      /fault\.delayMs: is required for action "latency"/,
    ],
    [
      {
        ...base,
        fault: { kind: 'network', action: 'latency', target: { container: 'db' }, delayMs: 10, jitterMs: 20 },
      },
      /fault\.jitterMs: must be <= delayMs \(10\)/,
    ],
    [
      { ...base, fault: { kind: 'network', action: 'loss', target: { container: 'db' } } },
      /fault\.lossPercent: is required for action "loss"/,
    ],
    [
      { ...base, fault: { kind: 'network', action: 'loss', target: { container: 'db' }, lossPercent: 101 } },
      /fault\.lossPercent: must be <= 100/,
    ],
    [
      {
        ...base,
        fault: { kind: 'network', action: 'loss', target: { container: 'db' }, lossPercent: 5, towards: ['x'] },
      },
      /fault\.towards: applies to action "blackhole" only/,
    ],
    [
      { ...base, fault: { kind: 'patroni', action: 'kill-leader', candidate: 'node2' } },
      /fault\.candidate: applies to actions "switchover" and "failover" only/,
    ],
    [
      { ...base, fault: { kind: 'patroni', action: 'kill-leader', holdSeconds: 3 } },
      /fault\.holdSeconds: applies to action "lose-writes" only/,
    ],
    [
      { ...base, fault: { kind: 'patroni', action: 'lose-writes', holdSeconds: 31 } },
      /fault\.holdSeconds: must be <= 30/,
    ],
    [
      { ...base, fault: { kind: 'patroni', action: 'switchover', asynchronous: false } },
      /fault\.asynchronous: applies to action "lose-writes" only/,
    ],
    [{ ...base, fault: { kind: 'patroni', action: 'explode' } }, /fault\.action/],
    [{ ...base, paths: ['direct', 'direct'] }, /paths: paths must not repeat/],
    [{ ...base, durations: { faultSeconds: 99999 } }, /durations\.faultSeconds: must be <= 3600/],
    [
      { ...base, workload: { weights: { read: 50, write: 20, transaction: 10 } } },
      /workload\.weights: read \+ write \+ transaction must add up to 100/,
    ],
    [{ ...base, steadyState: { minSuccessRate: 2 } }, /steadyState\.minSuccessRate: must be <= 1/],
    [{ ...base, description: 'x'.repeat(70_000) }, /\(document\): \d+ bytes, at most 65536/],
    [{ ...base, extra: 1 }, /extra|Unrecognized key/],
    [
      { ...base, repeat: { times: 3, everySeconds: 10 } },
      /repeat\.everySeconds: must be greater than durations\.faultSeconds \(10\)/,
    ],
    [{ name: 'x', repeat: { times: 3, everySeconds: 60 } }, /repeat: needs a fault to repeat/],
    [{ ...base, repeat: { times: 0, everySeconds: 60 } }, /repeat\.times: must be >= 1/],
    [{ ...base, safety: { leaseGraceSeconds: 1 } }, /safety\.leaseGraceSeconds: must be >= 5/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input).slice(0, 80)} naming the field`, () => {
      assert.throws(() => parseExperiment(input), message);
    });
  }
});
