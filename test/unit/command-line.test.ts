/**
 * The CLI's parser and help, generated from each command's one description: every command (and
 * subcommand) answers `--help` with its usage, options and examples, every example parses, and
 * an unknown command, option or value is refused with a message naming it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isGroup, type Command } from '../../src/cli/command';
import { parseCommandLine, UsageError } from '../../src/cli/command-line';
import { COMMANDS } from '../../src/cli/commands';
import { helpText } from '../../src/cli/help';
import { shellCommands } from './harness/shell-words';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every command by its full name: `run`, `schedule create`, ... */
const everyCommand: [string, Command][] = Object.entries(COMMANDS).flatMap(([name, entry]) =>
  isGroup(entry)
    ? Object.entries(entry.subcommands).map(([sub, c]): [string, Command] => [`${name} ${sub}`, c])
    : [[name, entry]],
);

const parse = (line: string) => parseCommandLine(line.split(' '), COMMANDS);
const refused = (line: string, message: RegExp) =>
  assert.throws(
    () => parseCommandLine(shellCommands(line)[0]!, COMMANDS),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, String(err));
      assert.match(err.message, message);
      return true;
    },
  );

describe('the command line (unit)', () => {
  it('answers --help for every command and subcommand with its usage, options and examples', () => {
    for (const name of [...Object.keys(COMMANDS), ...everyCommand.map(([n]) => n)]) {
      for (const flag of ['--help', '-h']) {
        const parsed = parse(`${name} ${flag}`);
        assert.equal(parsed.kind, 'help', `${name} ${flag}`);
        assert.ok(parsed.kind === 'help' && parsed.asked);
        const text = helpText(COMMANDS, parsed.name, parsed.entry);
        assert.match(text, new RegExp(`^usage: faultline ${name} `), text);
        if (!isGroup(COMMANDS[name.split(' ')[0]!]!) || name.includes(' ')) assert.match(text, /\nexamples?:\n {2}\S/);
      }
    }
    assert.match(helpText(COMMANDS), /usage: faultline <command>[\s\S]*\n {2}schedule {2}/);
  });

  it("parses every example its help shows, as that command's", () => {
    for (const [name, command] of everyCommand) {
      assert.ok(command.examples.length > 0, `${name} has no example`);
      for (const example of command.examples) {
        const words = shellCommands(example)[0]!.filter((w) => !/^[A-Z_]+=/.test(w));
        assert.equal(words[0], 'faultline', example);
        const parsed = parseCommandLine(words.slice(1), COMMANDS);
        assert.ok(parsed.kind === 'command' && parsed.name === name, `${example}: ${JSON.stringify(parsed)}`);
      }
    }
  });

  it('gives a command its options typed, with their defaults', () => {
    const parsed = parse('bench --seconds 5');
    assert.ok(parsed.kind === 'command');
    assert.deepEqual(parsed.line.values, {
      seconds: '5',
      clients: '3,16',
      connection: 'direct',
      protocol: 'extended',
      'shared-cpu': false,
      shards: '1',
      rounds: '1',
    });
    const run = parse('run x.json --dry-run');
    assert.ok(run.kind === 'command');
    assert.deepEqual(run.line, { values: { json: false, 'dry-run': true }, args: ['x.json'] });
  });

  it('refuses an unknown command, option or value, and a missing or extra argument, naming it', () => {
    refused('nope', /unknown command "nope"/);
    refused('schedule nope', /unknown command "schedule nope"/);
    refused('run x.json --bogus', /unknown option --bogus/);
    refused('run x.json --json=yes', /--json takes no value/);
    refused('run x.json --junit', /--junit needs a value/);
    refused('run', /FILE is required/);
    refused('run a.json b.json', /unexpected argument "b.json"/);
    refused('bench --protocol fast', /--protocol must be simple, extended or prepared \(not "fast"\)/);
    refused('up --workers 0', /--workers must be a whole number from 1 to/);
    refused('bench --clients 2 --shards 3', /at most one shard per client/);
    refused('schedule create --id x --experiment f.json', /exactly one of --cron and --every/);
    refused('schedule create --cron "0 3 * * *" --experiment f.json', /--id ID is required/);
    refused('schedule create --id x --every soon --experiment f.json', /--every must be a number and a unit/);
  });

  it('takes placeholders for values, and leaves arguments out, only when asked (the docs)', () => {
    const docs = { isPlaceholder: (v: string) => v === 'N', partial: true };
    assert.equal(parseCommandLine(['up', '--workers', 'N'], COMMANDS, docs).kind, 'command');
    assert.equal(parseCommandLine(['run', '--dry-run'], COMMANDS, docs).kind, 'command');
    refused('up --workers N', /--workers must be/);
  });

  it('exits 0 on `faultline --help` and `faultline run --help`, 2 on an unknown option', function () {
    this.timeout(60_000);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', './node_modules/tsx/dist/loader.mjs', 'src/cli/main.ts', ...args], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const top = cli('--help');
    assert.equal(top.status, 0, top.stderr);
    assert.match(top.stdout, /^usage: faultline <command>/);
    const run = cli('run', '--help');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^usage: faultline run FILE \[options\]\n[\s\S]*--dry-run/);
    const wrong = cli('run', 'x.json', '--bogus');
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /faultline run: unknown option --bogus/);
  });
});
