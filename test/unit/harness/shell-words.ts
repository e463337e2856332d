/**
 * A shell command line as the docs write it, to words: quotes and backslashes as the shell reads
 * them, a comment dropped, `&&`, `||`, `|`, `;`, `&`, `$(`, `(` and `)` ending a command (each
 * command its own word list), redirections (`> file`, `2>&1`, `<<'EOF'`) dropped. Synopsis
 * notation is read the way a reader reads it: `[--limit N]` is `--limit N`, `[direct|proxy]` is
 * `direct`, and `<workflow-id>` is one word (a placeholder, not a redirection).
 */

const PLACEHOLDER = /^<[A-Za-z][^<>\n]*>/;

class Words {
  commands: string[][] = [[]];
  private word = '';
  private inWord = false;
  private dropNext = false;

  add(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  end(): void {
    if (this.inWord) {
      if (this.dropNext) this.dropNext = false;
      else this.commands.at(-1)!.push(this.word);
    }
    this.word = '';
    this.inWord = false;
  }

  /** A redirection: the word it names (this one, or the next) is not an argument. */
  redirect(): void {
    if (/^\d*$/.test(this.word)) {
      this.word = '';
      this.inWord = false;
    } else this.end();
    this.dropNext = true;
  }

  command(): void {
    this.end();
    this.dropNext = false;
    if (this.commands.at(-1)!.length) this.commands.push([]);
  }

  get atWordStart(): boolean {
    return !this.inWord;
  }
}

/** Reads a quoted string from `i` (at the opening quote); returns its text and the index after it. */
function quoted(text: string, i: number): [string, number] {
  const q = text[i]!;
  let out = '';
  let j = i + 1;
  while (j < text.length && text[j] !== q) {
    if (q === '"' && text[j] === '\\' && '"\\$`'.includes(text[j + 1] ?? '')) j++;
    out += text[j];
    j++;
  }
  return [out, j + 1];
}

/** The commands of one line (continuations already joined), each as its words. */
export function shellCommands(text: string): string[][] {
  const w = new Words();
  let depth = 0; // inside [ ... ]
  let alternative = false; // past a | inside [ ... ]: skipped
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const [s, next] = quoted(text, i);
      if (!alternative) w.add(s);
      i = next - 1;
    } else if (c === '\\') {
      if (!alternative) w.add(text[i + 1] ?? '');
      i++;
    } else if (/\s/.test(c)) {
      w.end();
    } else if (c === '#' && w.atWordStart && depth === 0) {
      break;
    } else if (c === '[') {
      depth++;
    } else if (c === ']' && depth > 0) {
      depth--;
      if (depth === 0) alternative = false;
    } else if (c === '|' && depth > 0) {
      alternative = true;
    } else if (alternative) {
      continue;
    } else if (c === '<' && w.atWordStart && PLACEHOLDER.test(text.slice(i))) {
      const placeholder = PLACEHOLDER.exec(text.slice(i))![0];
      w.add(placeholder);
      i += placeholder.length - 1;
    } else if (c === '<' || c === '>') {
      w.redirect();
      while ('<>&'.includes(text[i + 1] ?? ' ')) i++;
    } else if (c === '$' && text[i + 1] === '(') {
      w.command();
      i++;
    } else if ('|&;()`'.includes(c)) {
      w.command();
    } else {
      w.add(c);
    }
  }
  w.command();
  return w.commands.filter((words) => words.length > 0);
}
