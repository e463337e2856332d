/**
 * What PostgreSQL's lexer (src/backend/parser/scan.l) reads as code, token by token as it does:
 *
 *   comments      -- to the end of the line (\n or \r); /* ... *\/, nested (each /* opens a level)
 *   strings       '...' ('' is a quote; with standard_conforming_strings off, \ escapes too);
 *                 E'...' (\ escapes); B'...' and X'...'; U&'...'; N'...' is the keyword N then a
 *                 string; a string continues past its closing quote when whitespace holding a
 *                 newline (and -- comments) leads to another quote: 'a'\n'b' is one string
 *   dollar quotes $$...$$ or $tag$...$tag$, opened only where a token starts ($1 is a parameter,
 *                 a$$ an identifier)
 *   identifiers   "..." and U&"..."; a word (any non-ASCII character is a letter, $ continues
 *                 one) is one token, so the e of `name'...'` starts no E-string
 *
 * A number's letters, an exponent aside, start the next token, as in PostgreSQL 14 (15 and later
 * refuse `1e'x'` as trailing junk). Pure.
 */

/** PostgreSQL's whitespace (scan.l `space`). */
const SPACE = /[ \t\n\r\f\v]/;
const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_CONT = /[A-Za-z0-9_$\u0080-\uffff]/;
/** A dollar quote's opening tag: $$ or $tag$, the tag an identifier without $. */
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const PARAMETER = /\$\d+/y;

export interface SqlTextOptions {
  /** The server's standard_conforming_strings (on unless set off): off, '...' takes \ escapes too. */
  standardConformingStrings?: boolean;
}

const stickyMatch = (pattern: RegExp, text: string, at: number): string | undefined => {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
};

/** Where a line comment starting at `at` ends: at the next newline, not included. */
function lineCommentEnd(text: string, at: number): number {
  const end = text.slice(at).search(/[\n\r]/);
  return end < 0 ? text.length : at + end;
}

/** Where a block comment starting at `at` ends, its nested comments included. */
function blockCommentEnd(text: string, at: number): number {
  let depth = 0;
  let j = at;
  while (j < text.length) {
    if (text[j] === '/' && text[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (text[j] === '*' && text[j + 1] === '/') {
      j += 2;
      if (--depth === 0) return j;
    } else j++;
  }
  return text.length;
}

/**
 * After a string's closing quote at `at - 1`: where it goes on (past the next quote) when only
 * spaces and -- comments, a newline among them, lead to another quote; undefined when it ends.
 */
function continuedAt(text: string, at: number): number | undefined {
  let newline = false;
  let j = at;
  for (;;) {
    const c = text[j];
    if (c === '-' && text[j + 1] === '-') {
      j = lineCommentEnd(text, j);
      if (j === text.length) return undefined;
    } else if (c === '\n' || c === '\r') {
      newline = true;
      j++;
    } else if (c !== undefined && SPACE.test(c)) j++;
    else return newline && c === "'" ? j + 1 : undefined;
  }
}

/** Where a string whose opening quote is at `open` ends (past its continuations). */
function stringEnd(text: string, open: number, escapes: boolean, doubledQuotes = true): number {
  let j = open + 1;
  while (j < text.length) {
    if (escapes && text[j] === '\\') j += 2;
    else if (text[j] !== "'") j++;
    else if (doubledQuotes && text[j + 1] === "'") j += 2;
    else {
      const next = continuedAt(text, j + 1);
      if (next === undefined) return j + 1;
      j = next;
    }
  }
  return text.length;
}

/** Where a quoted identifier whose opening quote is at `open` ends ("" is a quote). */
function quotedIdentifierEnd(text: string, open: number): number {
  let j = open + 1;
  while (j < text.length) {
    if (text[j] !== '"') j++;
    else if (text[j + 1] === '"') j += 2;
    else return j + 1;
  }
  return text.length;
}

/** Where the comment, literal or quoted identifier starting at `at` ends; undefined for code. */
function notCodeEnd(text: string, at: number, standardConformingStrings: boolean): number | undefined {
  const [c, d, e] = [text[at]!, text[at + 1], text[at + 2]];
  if (c === '-' && d === '-') return lineCommentEnd(text, at);
  if (c === '/' && d === '*') return blockCommentEnd(text, at);
  if (c === "'") return stringEnd(text, at, !standardConformingStrings);
  if (c === '"') return quotedIdentifierEnd(text, at);
  if (d === "'" && (c === 'e' || c === 'E')) return stringEnd(text, at + 1, true);
  if (d === "'" && /[bBxX]/.test(c)) return stringEnd(text, at + 1, false, false);
  if ((c === 'u' || c === 'U') && d === '&' && e === "'") return stringEnd(text, at + 2, false);
  if ((c === 'u' || c === 'U') && d === '&' && e === '"') return quotedIdentifierEnd(text, at + 2);
  const tag = c === '$' ? stickyMatch(DOLLAR_TAG, text, at) : undefined;
  if (tag === undefined) return undefined;
  const close = text.indexOf(tag, at + tag.length);
  return close < 0 ? text.length : close + tag.length;
}

/** Where the code token starting at `at` ends: a word, a number, a $n, or one character. */
function codeEnd(text: string, at: number): number {
  const c = text[at]!;
  // N'...': the keyword NCHAR, then a string.
  if ((c === 'n' || c === 'N') && text[at + 1] === "'") return at + 1;
  if (IDENT_START.test(c)) {
    let j = at + 1;
    while (j < text.length && IDENT_CONT.test(text[j]!)) j++;
    return j;
  }
  const token = stickyMatch(NUMBER, text, at) ?? stickyMatch(PARAMETER, text, at);
  return at + (token?.length ?? 1);
}

/**
 * A statement's code without what is not code: comments, string literals (their prefix included),
 * dollar-quoted strings and quoted identifiers become spaces, so that a `$1` or a `;` inside them
 * is not taken for a placeholder or a second statement. What is unterminated runs to the end.
 */
export function sqlCode(statement: string, options: SqlTextOptions = {}): string {
  const standardConformingStrings = options.standardConformingStrings ?? true;
  let out = '';
  let i = 0;
  while (i < statement.length) {
    const blankTo = notCodeEnd(statement, i, standardConformingStrings);
    const end = blankTo ?? codeEnd(statement, i);
    out += blankTo === undefined ? statement.slice(i, end) : ' '.repeat(end - i);
    i = end;
  }
  return out;
}

/**
 * Whether a statement holds a second one: code after a `;`, read with standard_conforming_strings
 * on and off alike (a server may have it off, and a quote then ends elsewhere).
 */
export const hasSecondStatement = (statement: string): boolean =>
  [true, false].some((standardConformingStrings) =>
    /;[ \t\n\r\f\v]*[^ \t\n\r\f\v]/.test(sqlCode(statement, { standardConformingStrings })),
  );

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
