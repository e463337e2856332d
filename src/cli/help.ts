/** `faultline --help` and `faultline <command> --help`, generated from each command's description. */
import { isGroup, type Command, type CommandEntry, type OptionSpec } from './command';

const usageOf = (name: string, command: Command) => {
  const args = (command.arguments ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name));
  const required = Object.entries(command.options)
    .filter(([, o]) => o.required)
    .map(([option, o]) => `--${option} ${o.value ?? 'VALUE'}`);
  return ['faultline', name, ...args, ...required, '[options]'].join(' ');
};

function optionText(spec: OptionSpec): string {
  const notes = [
    spec.check?.describe,
    spec.required ? 'required' : undefined,
    spec.default !== undefined
      ? `default: ${spec.default}`
      : spec.defaultText
        ? `default: ${spec.defaultText}`
        : undefined,
  ].filter((n) => n !== undefined);
  return notes.length ? `${spec.description} [${notes.join('; ')}]` : spec.description;
}

const WIDTH = 100;
const sentence = (summary: string) => `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`;

/** Words in lines of at most `width` characters (a longer word on its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** Two columns, the second wrapped under itself. */
function table(rows: [string, string][]): string[] {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)));
  return rows.flatMap(([left, right]) => {
    const lines = wrap(right, WIDTH - width - 4);
    const first =
      left.length > width
        ? [`  ${left}`, `  ${''.padEnd(width)}  ${lines[0]}`]
        : [`  ${left.padEnd(width)}  ${lines[0]}`];
    return [...first, ...lines.slice(1).map((l) => `  ${''.padEnd(width)}  ${l}`)];
  });
}

function commandHelp(name: string, command: Command): string {
  const out = [
    `usage: ${usageOf(name, command)}`,
    '',
    ...wrap(command.description ?? sentence(command.summary), WIDTH),
  ];
  if (command.arguments?.length) {
    out.push('', 'arguments:');
    out.push(
      ...table(
        command.arguments.map((a) => [a.name, a.check ? `${a.description} (${a.check.describe})` : a.description]),
      ),
    );
  }
  const options: [string, string][] = Object.entries(command.options)
    .filter(([, o]) => !o.hidden)
    .map(([option, o]) => [
      `${o.short ? `-${o.short}, ` : ''}--${option}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
      optionText(o),
    ]);
  out.push('', 'options:', ...table([...options, ['-h, --help', 'this help']]));
  if (command.examples.length)
    out.push('', command.examples.length > 1 ? 'examples:' : 'example:', ...command.examples.map((e) => `  ${e}`));
  return `${out.join('\n')}\n`;
}

function groupHelp(name: string, entry: CommandEntry & { subcommands: Record<string, Command> }): string {
  const out = [
    `usage: faultline ${name} <subcommand> [options]`,
    '',
    ...wrap(entry.description ?? sentence(entry.summary), WIDTH),
  ];
  out.push('', 'subcommands:');
  out.push(...table(Object.entries(entry.subcommands).map(([sub, c]) => [`${sub}`, c.summary])));
  out.push('', `faultline ${name} <subcommand> --help: its options and an example`);
  return `${out.join('\n')}\n`;
}

/** The help of one command (or subcommand), or of the CLI when none is named. */
export function helpText(commands: Record<string, CommandEntry>, name?: string, entry?: CommandEntry): string {
  if (name !== undefined && entry !== undefined)
    return isGroup(entry) ? groupHelp(name, entry) : commandHelp(name, entry);
  const lines = table(Object.entries(commands).map(([n, c]) => [n, c.summary]));
  return [
    'usage: faultline <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'faultline <command> --help: its options, their defaults and an example',
    '',
  ].join('\n');
}
