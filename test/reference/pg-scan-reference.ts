/**
 * PostgreSQL's SQL lexer written a second time, for tests, so that src/shared/sql-text.ts can be
 * judged by something that shares none of its code: the rules of src/backend/parser/scan.l as of
 * PostgreSQL 16 to 18 (the lab's 15 refuses, as trailing junk, the 0x/0o/0b integers and the _ in
 * numbers that 16 added, and has \v as no space: it refuses more, and reads the rest alike),
 * transcribed as a table of patterns per start condition, named and ordered as in scan.l, and run
 * the way flex runs them: at each point the longest match wins, the rule listed first on a tie,
 * and an action may give characters back (yyless). Each pattern here is one whose greedy
 * JavaScript match is its longest one.
 *
 * Not transcribed, as they only split code from code: the {operator} rule's trimming of a trailing
 * + or -, and which token a code match returns.
 *
 * referenceScan returns the statement with what is not code blanked (comments; string literals,
 * their B, X, E or U& prefix included, continuations included; dollar-quoted strings; quoted
 * identifiers), or the lexer's error when PostgreSQL would refuse the statement before running any
 * of it.
 */
type Cond = 'INITIAL' | 'xc' | 'xb' | 'xh' | 'xq' | 'xe' | 'xeu' | 'xus' | 'xqs' | 'xd' | 'xui' | 'xdolq';

interface Lexer {
  scs: boolean;
  cond: Cond;
  /** where the comment, literal or identifier being scanned began */
  start: number;
  xcdepth: number;
  dolqstart: string;
  stateBeforeStrStop: Cond;
  literallen: number;
  blanks: Array<[number, number]>;
}

/** What a rule does with its match at `at`: how many characters it keeps (yyless), all by default. */
type Action = (lx: Lexer, match: string, at: number) => number | void;

class LexError extends Error {}
const yyerror = (message: string): never => {
  throw new LexError(message);
};

// Definitions, as in scan.l (an identifier character is any byte from \200: here any non-ASCII).
const space = '[ \\t\\n\\r\\f\\v]';
const non_newline_space = '[ \\t\\f\\v]';
const newline = '[\\n\\r]';
const comment = '(?:--[^\\n\\r]*)';
const whitespace = `(?:${space}+|${comment})`;
const special_whitespace = `(?:${space}+|${comment}${newline})`;
const non_newline_whitespace = `(?:${non_newline_space}|${comment})`;
const whitespace_with_newline = `(?:${non_newline_whitespace}*${newline}${special_whitespace}*)`;
const quotecontinue = `${whitespace_with_newline}'`;
const quotecontinuefail = `${whitespace}*-?`;
const dolq_start = '[A-Za-z\\x80-\\uffff_]';
const dolq_cont = '[A-Za-z\\x80-\\uffff_0-9]';
const dolqdelim = `\\$(?:${dolq_start}${dolq_cont}*)?\\$`;
const dolqfailed = `\\$${dolq_start}${dolq_cont}*`;
const op_chars = '[~!@#^&|`?+\\-*/%<>=]';
const identifier = '[A-Za-z\\x80-\\uffff_][A-Za-z\\x80-\\uffff_0-9$]*';
const decinteger = '[0-9](?:_?[0-9])*';
const numeric = `(?:${decinteger}\\.(?:${decinteger})?|\\.${decinteger})`;
const real = `(?:${decinteger}|${numeric})[Ee][-+]?${decinteger}`;
const xeunicode = '\\\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})';
const xeunicodefail = '\\\\(?:u[0-9A-Fa-f]{0,3}|U[0-9A-Fa-f]{0,7})';

interface Rule {
  re: RegExp;
  act?: Action;
}
const r = (pattern: string, act?: Action): Rule => ({ re: new RegExp(pattern, 'y'), act });

const blank = (lx: Lexer, end: number) => lx.blanks.push([lx.start, end]);
const begin =
  (cond: Cond): Action =>
  (lx, _m, at) => {
    lx.cond = cond;
    lx.start = at;
    lx.literallen = 0;
  };
const error =
  (message: string): Action =>
  () =>
    yyerror(message);
const toXqs: Action = (lx) => {
  lx.stateBeforeStrStop = lx.cond;
  lx.cond = 'xqs';
};
const addlit: Action = (lx, m) => {
  lx.literallen += m.length;
};
const quotedIdentifierStop: Action = (lx, _m, at) => {
  if (lx.literallen === 0) yyerror('zero-length delimited identifier');
  blank(lx, at + 1);
  lx.cond = 'INITIAL';
};
const codepoint = (m: string) => parseInt(m.slice(2), 16);
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

const INITIAL: Rule[] = [
  r(whitespace, (lx, m, at) => {
    if (m.startsWith('--')) lx.blanks.push([at, at + m.length]);
  }),
  r(`/\\*${op_chars}*`, (lx, m, at) => {
    begin('xc')(lx, m, at);
    lx.xcdepth = 0;
    return 2;
  }),
  r("[bB]'", begin('xb')),
  r("[xX]'", begin('xh')),
  r("[nN]'", () => 1), // xnstart: the keyword NCHAR; the quote is scanned again
  r("'", (lx, m, at) => begin(lx.scs ? 'xq' : 'xe')(lx, m, at)),
  r("[eE]'", begin('xe')),
  r("[uU]&'", (lx, m, at) => {
    if (!lx.scs) yyerror('unsafe use of string constant with Unicode escapes');
    begin('xus')(lx, m, at);
  }),
  r(dolqdelim, (lx, m, at) => {
    begin('xdolq')(lx, m, at);
    lx.dolqstart = m;
  }),
  r(dolqfailed, () => 1),
  r('"', begin('xd')),
  r('[uU]&"', begin('xui')),
  r('[uU]&', () => 1), // xufailed
  ...['::', '\\.\\.', ':=', '=>', '<=', '>=', '<>', '!='].map((p) => r(p)),
  r('[,()\\[\\].;:+\\-*/%^<>=]'), // self
  r(`${op_chars}+`, (_lx, m) => {
    // An operator stops where a comment starts.
    const cuts = [m.indexOf('/*'), m.indexOf('--')].filter((i) => i > 0);
    return cuts.length ? Math.min(...cuts) : m.length;
  }),
  r('\\$[0-9]+'), // param
  r(`\\$[0-9]+${identifier}`, error('trailing junk after parameter')),
  r(decinteger),
  r('0[xX](?:_?[0-9A-Fa-f])+'),
  r('0[oO](?:_?[0-7])+'),
  r('0[bB](?:_?[01])+'),
  r('0[xX]_?', error('invalid hexadecimal integer')),
  r('0[oO]_?', error('invalid octal integer')),
  r('0[bB]_?', error('invalid binary integer')),
  r(numeric),
  r(`${decinteger}\\.\\.`, (_lx, m) => m.length - 2), // numericfail
  r(real),
  r(`(?:${decinteger}|${numeric})[Ee][-+]`, error('trailing junk after numeric literal')),
  r(`${decinteger}${identifier}`, error('trailing junk after numeric literal')),
  r(`${numeric}${identifier}`, error('trailing junk after numeric literal')),
  r(`${real}${identifier}`, error('trailing junk after numeric literal')),
  r(identifier),
  r('[^\\n]'), // other
];

const RULES: Record<Cond, Rule[]> = {
  INITIAL,
  xc: [
    r(`/\\*${op_chars}*`, (lx) => {
      lx.xcdepth++;
      return 2;
    }),
    r('\\*+/', (lx, m, at) => {
      if (lx.xcdepth > 0) lx.xcdepth--;
      else {
        blank(lx, at + m.length);
        lx.cond = 'INITIAL';
      }
    }),
    r('[^*/]+'),
    r(op_chars),
    r('\\*+'),
  ],
  xb: [r("'", toXqs), r("[^']*")],
  xh: [r("'", toXqs), r("[^']*")],
  xq: [r("'", toXqs), r("''"), r("[^']+")],
  xus: [r("'", toXqs), r("''"), r("[^']+")],
  xe: [
    r("'", toXqs),
    r("''"),
    r("[^\\\\']+"),
    r(xeunicode, (lx, m) => {
      const c = codepoint(m);
      if (isHighSurrogate(c)) lx.cond = 'xeu';
      else if (isLowSurrogate(c)) yyerror('invalid Unicode surrogate pair');
      else if (c === 0 || c > 0x10ffff) yyerror('invalid Unicode escape value');
    }),
    r(xeunicodefail, error('invalid Unicode escape')),
    r('\\\\[^0-7]'), // xeescape
    r('\\\\[0-7]{1,3}'), // xeoctesc
    r('\\\\x[0-9A-Fa-f]{1,2}'), // xehexesc
    r('[^\\n]'), // only for \ just before the end
  ],
  xeu: [
    r(xeunicode, (lx, m) => {
      if (!isLowSurrogate(codepoint(m))) yyerror('invalid Unicode surrogate pair');
      lx.cond = 'xe';
    }),
    r('[^\\n]', error('invalid Unicode surrogate pair')),
    r('\\n', error('invalid Unicode surrogate pair')),
    r(xeunicodefail, error('invalid Unicode escape')),
  ],
  xqs: [
    r(quotecontinue, (lx) => {
      lx.cond = lx.stateBeforeStrStop;
    }),
    ...[quotecontinuefail, '[^\\n]'].map((p) =>
      r(p, (lx, _m, at) => {
        blank(lx, at);
        lx.cond = 'INITIAL';
        return 0;
      }),
    ),
  ],
  xd: [r('"', quotedIdentifierStop), r('""', addlit), r('[^"]+', addlit)],
  xui: [r('"', quotedIdentifierStop), r('""', addlit), r('[^"]+', addlit)],
  xdolq: [
    r(dolqdelim, (lx, m, at) => {
      if (m !== lx.dolqstart) return m.length - 1;
      blank(lx, at + m.length);
      lx.cond = 'INITIAL';
    }),
    r('[^$]+'),
    r(dolqfailed),
    r('[^\\n]'),
  ],
};

const EOF_ERRORS: Partial<Record<Cond, string>> = {
  xc: 'unterminated /* comment',
  xb: 'unterminated bit string literal',
  xh: 'unterminated hexadecimal string literal',
  xq: 'unterminated quoted string',
  xe: 'unterminated quoted string',
  xus: 'unterminated quoted string',
  xeu: 'invalid Unicode surrogate pair',
  xd: 'unterminated quoted identifier',
  xui: 'unterminated quoted identifier',
  xdolq: 'unterminated dollar-quoted string',
};

/** The longest non-empty match of a rule at `at`, the first rule on a tie. */
function longest(rules: Rule[], text: string, at: number): { rule: Rule; match: string } {
  let best: { rule: Rule; match: string } | undefined;
  for (const rule of rules) {
    rule.re.lastIndex = at;
    const match = rule.re.exec(text)?.[0];
    if (match && match.length > (best?.match.length ?? 0)) best = { rule, match };
  }
  if (!best) throw new Error(`no rule matches at ${at} in ${JSON.stringify(text)}`);
  return best;
}

export type ReferenceScan = { code: string } | { error: string };

export function referenceScan(text: string, standardConformingStrings = true): ReferenceScan {
  const lx: Lexer = {
    scs: standardConformingStrings,
    cond: 'INITIAL',
    start: 0,
    xcdepth: 0,
    dolqstart: '',
    stateBeforeStrStop: 'INITIAL',
    literallen: 0,
    blanks: [],
  };
  try {
    let at = 0;
    while (at < text.length) {
      const { rule, match } = longest(RULES[lx.cond], text, at);
      at += rule.act?.(lx, match, at) ?? match.length;
    }
    if (lx.cond === 'xqs') blank(lx, at);
    else if (lx.cond !== 'INITIAL') yyerror(EOF_ERRORS[lx.cond]!);
  } catch (err) {
    if (err instanceof LexError) return { error: err.message };
    throw err;
  }
  let code = text;
  for (const [from, to] of lx.blanks) code = code.slice(0, from) + ' '.repeat(to - from) + code.slice(to);
  return { code };
}
