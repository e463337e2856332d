/**
 * The schema takes exactly the `lossPercent` values that the sidecar's script
 * applies as given. The judge is the script itself (lab/nettools/netfault.sh), run here with a
 * stand-in `iptables` on PATH that records its arguments: a value is taken when `netfault loss
 * String(value)` exits 0 and the probability it hands iptables is value / 100, not rounded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/platform/settings';
import { networkFaultSchema } from '../../src/shared/network-fault-schema';
import { prng } from '../reference/prng';

const SCRIPT = path.join(PROJECT_ROOT, 'lab', 'nettools', 'netfault.sh');

describe('network fault lossPercent: what netfault loss takes, exactly (issue 25)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'netfault-'));
    // No chain exists yet (-S fails); every other call succeeds and is recorded.
    writeFileSync(
      path.join(dir, 'iptables'),
      '#!/bin/sh\ncase " $* " in *" -S "*) exit 1 ;; esac\necho "$*" >> "$IPTABLES_LOG"\n',
    );
    chmodSync(path.join(dir, 'iptables'), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Whether the script drops `percent` % exactly: it accepts the argument and does not round it. */
  function scriptTakes(percent: number): boolean {
    const log = path.join(dir, 'log');
    writeFileSync(log, '');
    const run = spawnSync('sh', [SCRIPT, 'loss', String(percent)], {
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, IPTABLES_LOG: log },
      encoding: 'utf8',
    });
    if (run.status !== 0) return false;
    const probability = /--probability (\S+)/.exec(readFileSync(log, 'utf8'))?.[1];
    assert.ok(probability, `no probability given to iptables for ${percent}: ${run.stdout}${run.stderr}`);
    return Math.abs(Number(probability) * 100 - percent) < 1e-9;
  }

  const schemaTakes = (lossPercent: number) =>
    networkFaultSchema.safeParse({ kind: 'network', action: 'loss', target: { container: 'db' }, lossPercent }).success;

  it('refuses every value the script refuses or rounds, and takes every other above 0', () => {
    const random = prng(9);
    const values = [
      0,
      0.0001,
      0.00005,
      1e-7,
      0.5,
      1,
      30,
      12.3456,
      12.34567,
      33.333333,
      99.9999,
      100,
      100.0001,
      101,
      ...Array.from({ length: 40 }, () => Number((random() * 100).toFixed(Math.floor(random() * 8)))),
      ...Array.from({ length: 10 }, () => random() * 100),
    ];
    const wrong = values.filter((v) => schemaTakes(v) !== (v > 0 && scriptTakes(v)));
    assert.deepEqual(wrong, [], 'the schema and netfault.sh disagree on these');
    assert.ok(values.some(schemaTakes) && !values.every(schemaTakes));
  });

  it('names the field and the step', () => {
    const parsed = networkFaultSchema.safeParse({
      kind: 'network',
      action: 'loss',
      target: { container: 'db' },
      lossPercent: 12.34567,
    });
    assert.ok(!parsed.success);
    assert.deepEqual(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      ['lossPercent: must have at most 4 decimals (netfault drops in steps of 0.0001 %)'],
    );
  });
});
