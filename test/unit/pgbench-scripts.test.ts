/**
 * pgbench's scripts are the operation catalog's statements (pure logic): the same operations,
 * types and weights, and each statement the catalog's compiled SQL with pgbench variables in
 * place of its parameters. The bench's fairness rests on this.
 */
import assert from 'node:assert/strict';
import { pgbenchScripts, pgbenchWeights } from '../../src/activities/workload/pgbench/pgbench-scripts';
import {
  activeUsersQuery,
  adjustStockQuery,
  catalog,
  userOrdersQuery,
} from '../../src/activities/workload/operations/operation-catalog';
import { statement } from '../../src/activities/workload/clients/compiled-statement';
import type { Compilable } from 'kysely';

const script = (name: string): string => pgbenchScripts().find((s) => s.name === name)!.body;
/** The SQL lines of a script, without its meta-commands and their `\gset`s. */
const statements = (body: string): string[] =>
  body
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .map((line) => line.replace(/ \\gset$/, ''));

describe('pgbench scripts (unit)', () => {
  it("are the catalog's operations, in its order, with its types and the workload's weights", () => {
    const scripts = pgbenchScripts();
    assert.deepEqual(
      scripts.map(({ name, type }) => ({ name, type })),
      catalog().map(({ name, type }) => ({ name, type })),
    );
    const weights = pgbenchWeights(scripts, { read: 70, write: 20, transaction: 10 });
    assert.deepEqual([...weights.values()], [840, 840, 840, 840, 840, 300, 300, 300, 300, 600]);
  });

  it("run the catalog's compiled SQL, its parameters written in", () => {
    // user_orders: $1 is the user (a pgbench variable), $2 the catalog's own LIMIT 10.
    const expected = userOrdersQuery.sql.replace('$1', ':uid').replace('$2', '10');
    assert.equal(script('user_orders'), `\\set uid random(1, 1000)\n${expected};`);
    assert.match(script('adjust_stock'), new RegExp(`\n${escape(adjustStockQuery.inlined([':pid', ':delta']))};$`));
  });

  it('leave no bind parameter behind and draw every variable they use', () => {
    for (const { name, body } of pgbenchScripts({ users: 50, products: 7 })) {
      assert.doesNotMatch(body, /\$\d/, name);
      const drawn = new Set([...body.matchAll(/^\\set (\w+) /gm)].map((m) => m[1]));
      // The purchase's \gset sets the locked row's stock and price.
      if (name === 'purchase') ['stock', 'price'].forEach((v) => drawn.add(v));
      const used = statements(body).flatMap((line) => [...line.matchAll(/(?<!:):(\w+)/g)].map((m) => m[1]!));
      for (const variable of used) assert.ok(drawn.has(variable), `${name}: :${variable} is never set`);
    }
  });

  it("write a statement's constants as SQL literals, quotes doubled", () => {
    const compiled = (n: unknown) => ({ sql: 'select $1, $2, $3', parameters: [n, "it's", 3] });
    const query = statement(1, (n: number) => ({ compile: () => compiled(n) }) as unknown as Compilable<unknown>);
    assert.match(activeUsersQuery.inlined([]), /"status" = 'active' order by .* limit 20$/);
    assert.equal(query.inlined([':n']), "select :n, 'it''s', 3");
    assert.throws(() => query.inlined([]), /1 arguments wanted, 0 given/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
