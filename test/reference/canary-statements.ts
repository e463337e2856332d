/**
 * Statements that try to smuggle a second one past the one-statement rule of `workload.custom`:
 * `SELECT `, random pieces of comments, quotes, E-strings, dollar quotes and words, the canary
 * `; INSERT INTO canary VALUES (1)`, and more pieces. Seeded, so that a case is reproducible from
 * its index; for the unit test (judged by test/reference/pg-scan-reference.ts) and for a test on
 * a real database alike.
 */
import { prng } from './prng';

export const CANARY = '; INSERT INTO canary VALUES (1)';

const PIECES = [
  // quotes and escapes
  "'",
  "''",
  '"',
  '""',
  '\\',
  "\\'",
  '\\\\',
  "'\n'",
  "'\n  -- more\n'",
  "' '",
  // prefixes: a string's own, or the end of a word
  "E'",
  "e'",
  "name'",
  "1e'",
  "$1e'",
  "B'",
  "X'",
  "N'",
  "U&'",
  'U&"',
  '\\u0041',
  // dollar quotes, and $ in words and parameters
  '$$',
  '$a$',
  '$b$',
  '$1',
  '$',
  'a$$',
  'x$a$',
  '$é$',
  'é',
  // comments
  '--',
  '/*',
  '*/',
  '/**/',
  '/* /* */',
  // spaces and newlines
  ' ',
  '\n',
  '\r',
  '\t',
  // code
  'x',
  '1',
  ';',
  '(',
  ')',
  '+',
  '-',
  '*',
  '/',
];

export interface CanaryStatement {
  statement: string;
  /** where the canary starts */
  canaryAt: number;
}

export function canaryStatements(count: number, seed: number): CanaryStatement[] {
  const random = prng(seed);
  const pieces = () => {
    let s = '';
    for (let n = Math.floor(random() * 7); n > 0; n--) s += PIECES[Math.floor(random() * PIECES.length)];
    return s;
  };
  return Array.from({ length: count }, () => {
    const before = `SELECT ${pieces()}`;
    return { statement: `${before}${CANARY}${pieces()}`, canaryAt: before.length };
  });
}
