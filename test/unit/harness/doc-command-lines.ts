/**
 * Every `faultline` command line a Markdown file shows: in shell code blocks (```bash, ```sh, no
 * language; in ```console only the lines after a `$ ` prompt) and in inline code. A line continued
 * with `\` is one command line; a heredoc's body is not one; a `$ ` prompt and variables assigned
 * before the command (`FOO=bar bin/faultline worker`) are not part of it.
 */
import { shellCommands } from './shell-words';

export interface DocCommandLine {
  file: string;
  /** 1-based, where the command line starts. */
  line: number;
  /** As written (continuations joined). */
  text: string;
  /** The words after `faultline`. */
  argv: string[];
  /** In inline code (a sentence naming a command may leave out its arguments). */
  inline: boolean;
}

const PROGRAM = /^(\.\/)?(bin\/)?faultline$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const SHELL = new Set(['', 'bash', 'sh', 'shell', 'zsh']);
const SESSION = new Set(['console', 'shell-session', 'terminal']);
const FENCE = /^\s*(`{3,}|~{3,})\s*([\w-]*)/;

/** The `faultline` commands in one shell line, as the words after the program. */
function faultlineArgvs(text: string): string[][] {
  return shellCommands(text).flatMap((words) => {
    let i = 0;
    while (i < words.length && (words[i] === '$' || ASSIGNMENT.test(words[i]!))) i++;
    return i + 1 < words.length && PROGRAM.test(words[i]!) ? [words.slice(i + 1)] : [];
  });
}

function fromBlock(file: string, lines: string[], first: number, lang: string): DocCommandLine[] {
  const found: DocCommandLine[] = [];
  let heredoc: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i]!;
    if (heredoc !== undefined) {
      if (text.trim() === heredoc) heredoc = undefined;
      continue;
    }
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]}`;
    heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(text)?.[1];
    const prompt = /^\s*\$ /.test(text);
    if (SESSION.has(lang) && !prompt) continue;
    const command = text.replace(/^\s*\$ /, '').trim();
    for (const argv of faultlineArgvs(command))
      found.push({ file, line: first + start, text: command, argv, inline: false });
  }
  return found;
}

/** Inline code spans of a paragraph (they may wrap lines), with the line each starts on. */
function fromParagraph(file: string, lines: string[], first: number): DocCommandLine[] {
  const found: DocCommandLine[] = [];
  const text = lines.join('\n');
  for (const span of text.matchAll(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
    const code = span[2]!.replace(/\s*\n\s*/g, ' ').trim();
    const line = first + text.slice(0, span.index).split('\n').length - 1;
    for (const argv of faultlineArgvs(code)) found.push({ file, line, text: code, argv, inline: true });
  }
  return found;
}

export function docCommandLines(file: string, markdown: string): DocCommandLine[] {
  const lines = markdown.split('\n');
  const found: DocCommandLine[] = [];
  let paragraph: string[] = [];
  let paragraphStart = 0;
  const flush = () => {
    if (paragraph.length) found.push(...fromParagraph(file, paragraph, paragraphStart));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!);
    if (fence) {
      flush();
      const marker = fence[1]!;
      const end = lines.findIndex(
        (l, j) => j > i && l.trim().startsWith(marker) && l.trim().replace(/[`~]/g, '') === '',
      );
      const body = lines.slice(i + 1, end === -1 ? lines.length : end);
      const lang = fence[2]!.toLowerCase();
      if (SHELL.has(lang) || SESSION.has(lang)) found.push(...fromBlock(file, body, i + 2, lang));
      i = end === -1 ? lines.length : end;
    } else if (lines[i]!.trim() === '') {
      flush();
    } else {
      if (!paragraph.length) paragraphStart = i + 1;
      paragraph.push(lines[i]!);
    }
  }
  flush();
  return found;
}
