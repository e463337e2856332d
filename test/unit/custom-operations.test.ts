/**
 * `workload.custom` (pure logic): what the definition accepts and how it says no, the parameters
 * drawn, the choice by weight. test/integration/own-service.test.ts runs them on a real database.
 */
import assert from 'node:assert/strict';
import { drawParameter, customCatalog } from '../../src/activities/workload/operations/custom-operations';
import { weightedChooser } from '../../src/activities/workload/operations/random-draws';
import { inferredType } from '../../src/shared/sql-text';
import { InvalidSettingsError, parseWorkloadSettings } from '../../src/shared/workload-settings';

const problems = (custom: unknown, extra: Record<string, unknown> = {}): string[] => {
  try {
    parseWorkloadSettings({ custom, ...extra }, 'workload');
    return [];
  } catch (err) {
    if (!(err instanceof InvalidSettingsError)) throw err;
    return err.problems;
  }
};

describe('custom operations (unit)', () => {
  it('accepts statements with their parameters, and infers read or write', () => {
    const s = parseWorkloadSettings({
      custom: [
        { name: 'qty', weight: 3, statement: 'SELECT qty FROM items WHERE sku = $1', parameters: [{ pick: ['a'] }] },
        {
          name: 'move',
          weight: 1,
          statement: 'INSERT INTO moves VALUES ($1, $2)',
          parameters: ['a', { randomInt: [1, 2] }],
        },
      ],
    });
    assert.deepEqual(
      customCatalog(s.custom!, 'direct').map((e) => [e.name, e.type]),
      [
        ['qty', 'read'],
        ['move', 'write'],
      ],
    );
    assert.equal(inferredType('  with x as (select 1) insert into t select * from x'), 'write');
    assert.equal(inferredType('VALUES (1)'), 'read');
    assert.equal(inferredType('WITH x AS (SELECT 1) SELECT * FROM x'), 'read');
    assert.equal(inferredType('SELECT qty FROM items WHERE sku = $1 FOR UPDATE'), 'write');
    assert.equal(inferredType("SELECT nextval('order_ids')"), 'write');
    assert.equal(inferredType("/* report */ SELECT 'update' AS word -- insert"), 'read');
  });

  it('names the field of every problem', () => {
    assert.deepEqual(problems([{ name: 'Bad Name', weight: 0, statement: ' ' }]), [
      'workload.custom.0.name: lowercase letters, digits and _, starting with a letter',
      'workload.custom.0.weight: must be >= 1',
      'workload.custom.0.statement: must not be empty',
    ]);
    assert.deepEqual(problems([{ name: 'two', weight: 1, statement: 'SELECT $1, $2', parameters: [1] }]), [
      'workload.custom.0.parameters: the statement uses $1..$2: give 2 parameters (got 1)',
    ]);
    assert.deepEqual(
      problems([
        { name: 'a', weight: 1, statement: 'SELECT \'$5 off; or more\' AS promo, "$2;" FROM t -- $9; note' },
        {
          name: 'b',
          weight: 1,
          statement: "SELECT string_agg(name, '; ') FROM t WHERE x = $1 /* $7; */",
          parameters: [1],
        },
        { name: 'c', weight: 1, statement: 'SELECT $body$ $3; $body$, $1', parameters: [1] },
      ]),
      [],
      'a $n or ; in a literal, a quoted identifier or a comment is not code',
    );
    assert.deepEqual(problems([{ name: 'x', weight: 1, statement: 'SHOW work_mem' }]), [
      'workload.custom.0.statement: must be a statement EXPLAIN can plan: SELECT, WITH, VALUES, TABLE, INSERT, UPDATE, DELETE, MERGE',
    ]);
    assert.deepEqual(problems([{ name: 'x', weight: 1, statement: 'SELECT 1; DROP TABLE t' }]), [
      'workload.custom.0.statement: one statement only (no ; between statements)',
    ]);
    assert.deepEqual(
      problems([
        { name: 'x', weight: 1, statement: 'SELECT 1' },
        { name: 'x', weight: 1, statement: 'SELECT 2' },
      ]),
      ['workload.custom: operation names must be unique'],
    );
    assert.deepEqual(
      problems([{ name: 'x', weight: 1, statement: 'SELECT $1', parameters: [{ randomInt: [5, 1] }] }]),
      ['workload.custom.0.parameters.0: randomInt: [min, max] with min <= max'],
    );
    assert.deepEqual(problems([{ name: 'x', weight: 1, statement: 'SELECT 1' }], { pgbench: { enabled: true } }), [
      'workload.pgbench.enabled: background pgbench runs the business mix: not with custom operations',
    ]);
  });

  it('draws parameters in their ranges, and chooses by weight', () => {
    for (let i = 0; i < 200; i++) {
      const n = drawParameter({ randomInt: [-2, 2] }) as number;
      assert.ok(Number.isInteger(n) && n >= -2 && n <= 2, String(n));
      assert.ok(['a', 'b'].includes(drawParameter({ pick: ['a', 'b'] }) as string));
    }
    assert.match(drawParameter({ uuid: true }) as string, /^[0-9a-f-]{36}$/);
    assert.equal(drawParameter(null), null);
    const entries = customCatalog(
      parseWorkloadSettings({
        custom: [
          { name: 'a', weight: 3, statement: 'SELECT 1' },
          { name: 'b', weight: 1, statement: 'SELECT 2' },
        ],
      }).custom!,
      'direct',
    );
    const choose = weightedChooser(entries, [3, 1]);
    const counts = { a: 0, b: 0 } as Record<string, number>;
    for (let i = 0; i < 20_000; i++) counts[choose().name]!++;
    const share = counts.a! / 20_000;
    assert.ok(share > 0.72 && share < 0.78, `a chosen ${(share * 100).toFixed(1)}% of the time, 75% expected`);
  });
});
