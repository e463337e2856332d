/**
 * The worker's own switch on custom statements (FAULTLINE_CUSTOM_SQL), read in the
 * activities: its parsing, and the refusals of the plan check and of the engine, which must come
 * before any connection is opened. The connection `nowhere` is configured nowhere: reaching it
 * would fail as UnknownConnection, so a CustomSqlRefused shows that nothing tried to connect.
 */
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { CUSTOM_SQL_VARIABLE, customSqlPolicy, customSqlRefusal } from '../../src/platform/custom-sql-policy';
import { checkCustomOperations } from '../../src/activities/schema/check-custom-operations';
import { runWorkloadEngine } from '../../src/activities/workload/engine/workload-engine';
import { parseWorkloadSettings } from '../../src/shared/workload-settings';

const settings = parseWorkloadSettings(
  { custom: [{ name: 'qty', weight: 1, statement: 'SELECT 1' }], concurrentWorkers: 1 },
  'workload',
);

async function failureOf(run: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await run();
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, String(err));
    return err;
  }
  assert.fail('expected a failure');
}

describe('FAULTLINE_CUSTOM_SQL, the worker switch on custom statements (unit)', () => {
  let saved: string | undefined;
  beforeEach(() => (saved = process.env[CUSTOM_SQL_VARIABLE]));
  afterEach(() => {
    if (saved === undefined) delete process.env[CUSTOM_SQL_VARIABLE];
    else process.env[CUSTOM_SQL_VARIABLE] = saved;
  });

  it('parses allow (the default), refuse and a list of connection names', () => {
    assert.deepEqual(customSqlPolicy(undefined), { allow: 'all' });
    assert.deepEqual(customSqlPolicy(''), { allow: 'all' });
    assert.deepEqual(customSqlPolicy('allow'), { allow: 'all' });
    assert.deepEqual(customSqlPolicy('refuse'), { allow: 'none' });
    assert.deepEqual(customSqlPolicy('shop'), { allow: 'named', connections: ['shop'] });
    assert.deepEqual(customSqlPolicy(' shop, ledger '), { allow: 'named', connections: ['shop', 'ledger'] });
  });

  it('an invalid value fails naming the variable and the bad entry', () => {
    for (const raw of ['Refuse', 'shop,,ledger', 'shop;ledger', 'shop,', 'yes please']) {
      assert.throws(
        () => customSqlPolicy(raw),
        (err: Error) => err.message.startsWith(`${CUSTOM_SQL_VARIABLE} must be allow, refuse or`),
        raw,
      );
    }
  });

  it('allows a named connection only, and says why another is refused', () => {
    const policy = customSqlPolicy('shop,ledger');
    assert.equal(customSqlRefusal('ledger', policy), undefined);
    assert.equal(customSqlRefusal('direct', { allow: 'all' }), undefined);
    assert.equal(
      customSqlRefusal('direct', policy),
      'workload.custom: this worker does not run custom statements on path direct (FAULTLINE_CUSTOM_SQL allows them only on shop, ledger)',
    );
    assert.match(customSqlRefusal('shop', { allow: 'none' })!, /path shop \(FAULTLINE_CUSTOM_SQL refuses them/);
  });

  it('the plan check refuses before connecting; allowed, it goes on to connect', async () => {
    process.env[CUSTOM_SQL_VARIABLE] = 'shop';
    const refused = await failureOf(() => checkCustomOperations('nowhere', settings.custom!));
    assert.equal(refused.type, 'CustomSqlRefused');
    assert.equal(refused.nonRetryable, true);
    assert.match(
      refused.message,
      /^workload\.custom: .* path nowhere \(FAULTLINE_CUSTOM_SQL allows them only on shop\)/,
    );

    process.env[CUSTOM_SQL_VARIABLE] = 'nowhere';
    const allowed = await failureOf(() => checkCustomOperations('nowhere', settings.custom!));
    assert.equal(allowed.type, 'UnknownConnection', allowed.message);
  });

  it('an invalid value fails the plan check naming the variable', async () => {
    process.env[CUSTOM_SQL_VARIABLE] = 'all of them';
    const failure = await failureOf(() => checkCustomOperations('nowhere', settings.custom!));
    assert.match(failure.message, /^FAULTLINE_CUSTOM_SQL must be/);
  });

  it('the engine refuses custom operations on a disallowed connection, before opening any', async () => {
    process.env[CUSTOM_SQL_VARIABLE] = 'refuse';
    const refused = await failureOf(() => runWorkloadEngine({ connection: 'nowhere', settings, durationMs: 10 }));
    assert.equal(refused.type, 'CustomSqlRefused');
    assert.match(refused.message, /^workload\.custom: .* path nowhere \(FAULTLINE_CUSTOM_SQL refuses them/);
  });
});
