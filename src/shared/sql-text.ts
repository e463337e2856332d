/** A dollar quote's opening tag: $$ or $tag$. */
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/**
 * A statement's code without what is not code: string literals ('...', E'...', $tag$...$tag$),
 * quoted identifiers and comments become spaces, so that a `$1` or a `;` inside them is not taken
 * for a placeholder or a second statement. Pure.
 */
export function sqlCode(statement: string): string {
  let out = '';
  let i = 0;
  const blank = (to: number) => {
    out += ' '.repeat(to - i);
    i = to;
  };
  while (i < statement.length) {
    const c = statement[i]!;
    const next = statement[i + 1];
    // A dollar quote opens where a $ does not end a name: $$ or $tag$ (a $1 is a placeholder).
    const dollarTag = c === '$' && !/[A-Za-z0-9_]$/.test(out) ? DOLLAR_TAG.exec(statement.slice(i))?.[0] : undefined;
    if (c === '-' && next === '-') {
      const end = statement.indexOf('\n', i);
      blank(end < 0 ? statement.length : end);
    } else if (c === '/' && next === '*') {
      const end = statement.indexOf('*/', i + 2);
      blank(end < 0 ? statement.length : end + 2);
    } else if (c === "'" || c === '"') {
      // Doubled quotes escape a quote; E'' strings may also escape it with a backslash.
      const escapes = c === "'" && /[eE]$/.test(out);
      let j = i + 1;
      while (j < statement.length) {
        if (escapes && statement[j] === '\\') j += 2;
        else if (statement[j] === c && statement[j + 1] === c) j += 2;
        else if (statement[j] === c) break;
        else j++;
      }
      blank(Math.min(statement.length, j + 1));
    } else if (dollarTag) {
      const end = statement.indexOf(dollarTag, i + dollarTag.length);
      blank(end < 0 ? statement.length : end + dollarTag.length);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The highest $n a statement uses, outside literals and comments (0 for none). */
export const highestPlaceholder = (statement: string): number =>
  Math.max(0, ...[...sqlCode(statement).matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

/** The first keyword of a statement's code, lowercase ('' for none). */
const keywordOf = (code: string): string => (/^\s*([A-Za-z]+)/.exec(code)?.[1] ?? '').toLowerCase();

/** The statement's first keyword, lowercase ('' for none). */
export const firstKeyword = (statement: string): string => keywordOf(sqlCode(statement));

/** What `EXPLAIN` can plan, so what a custom operation may be. */
export const PLANNABLE = ['select', 'with', 'values', 'table', 'insert', 'update', 'delete', 'merge'] as const;

/**
 * Read unless it may change or lock something: a SELECT, VALUES or TABLE without FOR UPDATE/SHARE
 * or nextval/setval, or a WITH whose statements are all such. Set `type` when in doubt.
 */
export function inferredType(statement: string): 'read' | 'write' {
  const code = sqlCode(statement).toLowerCase();
  const keyword = keywordOf(code);
  const changes =
    /\b(insert|update|delete|merge)\b/.test(code.replace(/\bfor\s+(no\s+key\s+)?update\b/g, '')) ||
    /\bfor\s+(no\s+key\s+update|update|share|key\s+share)\b/.test(code) ||
    /\b(nextval|setval)\s*\(/.test(code);
  return ['select', 'values', 'table', 'with'].includes(keyword) && !changes ? 'read' : 'write';
}
