/**
 * The extractor the docs test relies on: it finds `faultline` command lines the way a reader
 * would run them (prompts, variables before the command, continuations, synopsis brackets) and
 * nothing that is not one (output, heredocs, YAML, comments).
 */
import assert from 'node:assert/strict';
import { docCommandLines } from './harness/doc-command-lines';
import { shellCommands } from './harness/shell-words';

const MARKDOWN = [
  '# Title', // 1
  '',
  'Run `bin/faultline run FILE --dry-run` first; `faultline` alone is the program, and', // 3
  '`faultline up', // 4: an inline span wrapped onto the next line
  '--workers 2` starts two.',
  '',
  '```bash', // 7
  '$ bin/faultline run examples/db-outage.json --json   # a comment --bogus',
  'FOO=1 BAR="a b" bin/faultline worker',
  'TEMPORAL_ADDRESS=x:7233 \\', // 10
  '  bin/faultline status <workflow-id> 2>&1 >/dev/null',
  'bin/faultline up && bin/faultline doctor | tee out.txt',
  "cat >/tmp/x <<'EOF'",
  'faultline not-a-command-in-a-heredoc',
  'EOF',
  'bin/faultline history [--limit N] [--json]',
  'bin/faultline probe [direct|proxy]',
  'id=$(bin/faultline start x.json)',
  'echo "faultline run quoted"',
  '```',
  '',
  '```console',
  '$ faultline schema',
  'faultline output line: not a command',
  '```',
  '',
  '```yaml',
  'faultline run: yaml',
  '```',
].join('\n');

describe('command lines in Markdown (unit)', () => {
  it('finds each, at its line, with the words after faultline', () => {
    const found = docCommandLines('x.md', MARKDOWN).map((l) => [l.line, l.inline, l.argv.join(' ')]);
    assert.deepEqual(found, [
      [3, true, 'run FILE --dry-run'],
      [4, true, 'up --workers 2'],
      [8, false, 'run examples/db-outage.json --json'],
      [9, false, 'worker'],
      [10, false, 'status <workflow-id>'],
      [12, false, 'up'],
      [12, false, 'doctor'],
      [16, false, 'history --limit N --json'],
      [17, false, 'probe direct'],
      [18, false, 'start x.json'],
      [23, false, 'schema'],
    ]);
  });

  it('reads quotes and escapes as the shell does', () => {
    assert.deepEqual(shellCommands(`faultline abort id --reason "it's \\"down\\"" --x 'a "b"' c\\ d ""`), [
      ['faultline', 'abort', 'id', '--reason', 'it\'s "down"', '--x', 'a "b"', 'c d', ''],
    ]);
  });
});
