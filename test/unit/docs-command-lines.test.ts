/**
 * Every `faultline` command line in README.md and docs/**\/*.md, options and values included, is one
 * the CLI's own parser takes (the same parser and option descriptions `faultline` runs by). A
 * placeholder (FILE, N, <workflow-id>) stands for any value; a command named in a sentence may
 * leave out its arguments.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../../src/cli/command-line';
import { COMMANDS } from '../../src/cli/commands';
import { docCommandLines, type DocCommandLine } from './harness/doc-command-lines';

const ROOT = path.resolve(__dirname, '..', '..');
const isPlaceholder = (value: string) => /^(<[^<>]+>|[A-Z][A-Z0-9_-]*|\.\.\.|…)$/.test(value);

function markdownFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(file);
    return e.name.endsWith('.md') ? [file] : [];
  });
}

function problem(found: DocCommandLine): string | undefined {
  try {
    parseCommandLine(found.argv, COMMANDS, { isPlaceholder, partial: found.inline });
    return undefined;
  } catch (err) {
    return `${found.file}:${found.line}: ${found.text}\n    ${(err as Error).message}`;
  }
}

describe('command lines in the README and docs/ (unit)', () => {
  const files = ['README.md', ...markdownFiles('docs')];
  const lines = files.flatMap((file) => docCommandLines(file, readFileSync(path.join(ROOT, file), 'utf8')));

  it('finds them', () => {
    assert.ok(lines.filter((l) => !l.inline).length >= 10, `only ${lines.length} command lines found`);
  });

  it('are each parsed by the CLI, options and values included', () => {
    const problems = lines.map(problem).filter((p) => p !== undefined);
    if (problems.length)
      assert.fail(
        `${problems.length} command lines the CLI refuses (fix the line; a block of output, not commands, is \`\`\`text):\n${problems.join('\n')}`,
      );
  });
});
