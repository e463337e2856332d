/**
 * A custom statement reaches nothing it should not. sqlCode reads comments,
 * strings and dollar quotes where PostgreSQL does, and the one-statement rule of `workload.custom`
 * refuses every statement whose second statement PostgreSQL would run. Judged by known shapes and
 * by a reference lexer transcribed from scan.l (test/reference/pg-scan-reference.ts) on seeded
 * random statements around a canary; it shares no code with src/shared/sql-text.ts.
 */
import assert from 'node:assert/strict';
import { hasSecondStatement, sqlCode } from '../../src/shared/sql-text';
import { customOperationSchema } from '../../src/shared/workload-settings';
import { CANARY, canaryStatements } from '../reference/canary-statements';
import { referenceScan } from '../reference/pg-scan-reference';

const SECOND = /;[ \t\n\r\f\v]*[^ \t\n\r\f\v]/;
const settings = [true, false] as const;

/** Whether the schema refuses the statement as more than one. */
const refusedAsTwo = (statement: string): boolean => {
  const parsed = customOperationSchema.safeParse({ name: 'canary', weight: 1, statement, parameters: [] });
  return !parsed.success && parsed.error.issues.some((i) => i.message.startsWith('one statement only'));
};

/** [statement, whether PostgreSQL reads a second statement in it (with either setting), why] */
const SHAPES: Array<[string, boolean, string]> = [
  ['SELECT 1 /* a /* b */ ; INSERT INTO canary VALUES (1) */', false, 'a nested comment is still open'],
  ["SELECT 1 /* /* */ ' */; INSERT INTO canary VALUES (1) --'", true, 'the quote is inside the nested comment'],
  ["SELECT name'\\'; INSERT INTO canary VALUES (1) --'", true, "the e of name'...' starts no E-string"],
  ["SELECT E'\\''; INSERT INTO canary VALUES (1)", true, 'an E-string escapes its quote'],
  ["SELECT e'\\'; INSERT INTO canary VALUES (1) --'", false, 'an E-string escapes its quote'],
  ["SELECT 1e'\\''; INSERT INTO canary VALUES (1)", true, 'PostgreSQL 14: 1 then an E-string (15: junk)'],
  ["SELECT U&'\\'; INSERT INTO canary VALUES (1) --'", true, 'a U& string has no backslash escape'],
  ["SELECT N'\\'; INSERT INTO canary VALUES (1) --'", true, "N'...' is a plain string"],
  ["SELECT '\\'; INSERT INTO canary VALUES (1) --'", true, 'a plain string has no backslash escape'],
  ["SELECT '\\''; INSERT INTO canary VALUES (1) --'", true, 'standard_conforming_strings off: it has'],
  ["SELECT B'1''\\''; INSERT INTO canary VALUES (1) --'", true, "B'1' ends at its first quote"],
  ["SELECT E'a'\n'\\''; INSERT INTO canary VALUES (1) --'", true, 'a continued E-string still escapes'],
  ["SELECT E'a'\n  -- c\n'\\'; INSERT INTO canary VALUES (1) --'", false, 'continued past a comment'],
  ["SELECT E'a' '\\'; INSERT INTO canary VALUES (1) --'", true, 'no newline: no continuation'],
  ['SELECT a$$b$; INSERT INTO canary VALUES (1); --$b$', true, 'a$$b$ is one identifier'],
  ['SELECT é$$; INSERT INTO canary VALUES (1) --$$', true, 'é is a letter: é$$ is one identifier'],
  ['SELECT $$; INSERT INTO canary VALUES (1)$$', false, 'a dollar quote'],
  ['SELECT $1$$; INSERT INTO canary VALUES (1)$$', false, '$1 then a dollar quote'],
  ['SELECT $é$; INSERT INTO canary VALUES (1)$é$', false, 'a dollar quote tagged with a letter'],
  ['SELECT $a$ $b$ ; $a$; INSERT INTO canary VALUES (1)', true, '$b$ does not close $a$'],
  ['SELECT 1 -- note\r; INSERT INTO canary VALUES (1)', true, 'a line comment ends at \\r too'],
  ['SELECT "a;b", U&"c"";d" FROM t', false, 'quoted identifiers'],
  ["SELECT 'x'; -- done", false, 'a comment after the last ;'],
];

describe('sqlCode: a custom statement reaches nothing it should not (issue 25)', () => {
  it('reads the known shapes as PostgreSQL does, and the schema refuses each second statement', () => {
    for (const [sql, second, why] of SHAPES) {
      assert.equal(hasSecondStatement(sql), second, `${JSON.stringify(sql)}: ${why}`);
      assert.equal(refusedAsTwo(sql), second, `schema, ${JSON.stringify(sql)}: ${why}`);
      const reference = settings.map((scs) => referenceScan(sql, scs));
      if (sql.startsWith('SELECT 1e')) {
        assert.ok(
          reference.every((r) => 'error' in r),
          'the reference (PostgreSQL 15 and later) refuses 1e',
        );
        continue;
      }
      const referenceSecond = reference.some((r) => 'code' in r && SECOND.test(r.code));
      assert.equal(referenceSecond, second, `reference, ${JSON.stringify(sql)}: ${why}`);
    }
    assert.equal(
      sqlCode("SELECT E'\\'' x, $a$;$a$ -- y"),
      `SELECT ${' '.repeat(5)} x, ${' '.repeat(7)} ${' '.repeat(4)}`,
    );
    assert.equal(sqlCode("SELECT '\\'' x", { standardConformingStrings: false }), `SELECT ${' '.repeat(4)} x`);
  });

  it('agrees with a lexer transcribed from scan.l on 4000 seeded statements, and the schema refuses every live canary', () => {
    const seen = { cases: 0, lexed: 0, canaryLive: 0, canaryHidden: 0 };
    for (const [index, { statement, canaryAt }] of canaryStatements(4000, 25).entries()) {
      const sql = statement.trim(); // as the schema keeps it
      const label = `case ${index}: ${JSON.stringify(sql)}`;
      const readings = settings.map((scs) => ({ scs, reference: referenceScan(sql, scs) }));
      let live = false;
      for (const { scs, reference } of readings) {
        if ('error' in reference) continue; // PostgreSQL refuses the whole statement: nothing runs
        seen.lexed++;
        assert.equal(sqlCode(sql, { standardConformingStrings: scs }), reference.code, `${label}, scs ${scs}`);
        live ||= reference.code.slice(canaryAt, canaryAt + CANARY.length) === CANARY;
      }
      const refused = refusedAsTwo(sql);
      if (live) assert.ok(refused, `${label}: the canary is code, and the schema accepts it`);
      if (readings.every(({ reference }) => 'code' in reference)) {
        const second = readings.some(({ reference }) => 'code' in reference && SECOND.test(reference.code));
        assert.equal(refused, second, `${label}: refused as two statements exactly when PostgreSQL reads two`);
      }
      seen.cases++;
      if (live) seen.canaryLive++;
      else if (readings.some(({ reference }) => 'code' in reference)) seen.canaryHidden++;
    }
    // The pieces reach both sides: canaries that run and canaries inside a literal or comment.
    assert.ok(seen.canaryLive > 300 && seen.canaryHidden > 300, JSON.stringify(seen));
  });
});
