/**
 * The CLI's parser: a whole command line (`run x.json --dry-run`, without `faultline`) to the command
 * it names and its options, by node:util parseArgs on the command's own description (command.ts).
 * Pure: it runs nothing, so a test can parse every command line the README shows.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isGroup, type Command, type CommandEntry, type CommandLine, type OptionSpec } from './command';

/** An unknown command, option or value: the message names it. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command it is about (`schedule create`), if one was named. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export type ParsedCommandLine =
  /** `asked`: false for `faultline` or `faultline schedule` alone (a mistake, exit 2). */
  | { kind: 'help'; asked: boolean; name?: string; entry?: CommandEntry }
  | { kind: 'command'; name: string; command: Command; line: CommandLine };

export interface ParseOptions {
  /** A value this says stands for one (FILE, <id>, N in the docs) is taken without its check. */
  isPlaceholder?: (value: string) => boolean;
  /** Missing required arguments and options are fine (`faultline run` named in a sentence). */
  partial?: boolean;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'this help' };
const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';

/** Parses a command line without running anything; throws a UsageError for what it cannot take. */
export function parseCommandLine(
  argv: string[],
  commands: Record<string, CommandEntry>,
  options: ParseOptions = {},
): ParsedCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || isHelp(first)) return { kind: 'help', asked: first !== undefined };
  if (first === 'help') return helpFor(rest, commands);
  const entry = Object.hasOwn(commands, first) ? commands[first] : undefined;
  if (!entry) throw new UsageError(`unknown command "${first}"`);
  if (!isGroup(entry)) return parseCommand(first, entry, rest, options);
  const [sub, ...subRest] = rest;
  if (sub === undefined || isHelp(sub)) return { kind: 'help', asked: sub !== undefined, name: first, entry };
  const command = Object.hasOwn(entry.subcommands, sub) ? entry.subcommands[sub] : undefined;
  if (!command) throw new UsageError(`unknown command "${first} ${sub}"`, first);
  return parseCommand(`${first} ${sub}`, command, subRest, options);
}

/** `faultline help [COMMAND [SUBCOMMAND]]`. */
function helpFor(names: string[], commands: Record<string, CommandEntry>): ParsedCommandLine {
  const [name, sub] = names;
  if (name === undefined) return { kind: 'help', asked: true };
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) throw new UsageError(`unknown command "${name}"`);
  if (sub === undefined || !isGroup(entry)) return { kind: 'help', asked: true, name, entry };
  const command = Object.hasOwn(entry.subcommands, sub) ? entry.subcommands[sub] : undefined;
  if (!command) throw new UsageError(`unknown command "${name} ${sub}"`, name);
  return { kind: 'help', asked: true, name: `${name} ${sub}`, entry: command };
}

function parseCommand(name: string, command: Command, args: string[], options: ParseOptions): ParsedCommandLine {
  const specs = { ...command.options, help: HELP };
  const config: ParseArgsConfig['options'] = {};
  for (const [option, spec] of Object.entries(specs))
    config[option] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.type === 'boolean' ? { default: false } : spec.default !== undefined ? { default: spec.default } : {}),
    };
  let parsed;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err as Error), name);
  }
  if (parsed.values.help) return { kind: 'help', asked: true, name, entry: command };
  const values = { ...parsed.values } as Record<string, string | boolean | undefined>;
  checkOptions(name, command, values, options);
  checkArguments(name, command, parsed.positionals, options);
  const rule = command.validate?.(values as CommandLine['values']);
  if (rule && !options.partial) throw new UsageError(rule, name);
  delete values.help;
  return {
    kind: 'command',
    name,
    command,
    line: { values: values as CommandLine['values'], args: parsed.positionals },
  };
}

function checkOptions(
  name: string,
  command: Command,
  values: Record<string, string | boolean | undefined>,
  options: ParseOptions,
): void {
  for (const [option, spec] of Object.entries(command.options)) {
    const value = values[option];
    if (value === undefined && spec.required && !options.partial)
      throw new UsageError(`--${option} ${spec.value ?? 'VALUE'} is required`, name);
    if (typeof value !== 'string' || !spec.check || options.isPlaceholder?.(value)) continue;
    if (!spec.check.test(value))
      throw new UsageError(`--${option} must be ${spec.check.describe} (not "${value}")`, name);
  }
}

function checkArguments(name: string, command: Command, positionals: string[], options: ParseOptions): void {
  const specs = command.arguments ?? [];
  if (positionals.length > specs.length)
    throw new UsageError(`unexpected argument "${positionals[specs.length]}"`, name);
  specs.forEach((spec, i) => {
    const value = positionals[i];
    if (value === undefined) {
      if (!spec.optional && !options.partial) throw new UsageError(`${spec.name} is required`, name);
    } else if (spec.check && !options.isPlaceholder?.(value) && !spec.check.test(value)) {
      throw new UsageError(`${spec.name} must be ${spec.check.describe} (not "${value}")`, name);
    }
  });
}

/** parseArgs' own messages, made shorter (its advice on `--` does not apply here). */
function parseArgsMessage(err: Error): string {
  const code = (err as Error & { code?: string }).code;
  const option = /'(-[^' ]+)/.exec(err.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/argument missing/.test(err.message)) return `${option} needs a value`;
    if (/does not take an argument/.test(err.message)) return `${option} takes no value`;
  }
  return err.message.split('\n')[0]!;
}
