/**
 * One `faultline` command, described once: its arguments, its options (type, default, the values it
 * takes, what it does) and examples. The parser (command-line.ts) and `--help` (help.ts) are both
 * generated from this description, so what a command accepts and what its help says cannot drift.
 */

/** The values an option or argument takes: `describe` completes "must be ..." and the help. */
export interface ValueCheck {
  describe: string;
  test(value: string): boolean;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** A string option's default (a boolean one is false unless given). */
  default?: string;
  /** What the default is when no value stands for it (`generated`). */
  defaultText?: string;
  /** The value's name in the help: `--seconds N`. */
  value?: string;
  check?: ValueCheck;
  required?: boolean;
  short?: string;
  /** Internal (one faultline process calling another): left out of the help. */
  hidden?: boolean;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  optional?: boolean;
  check?: ValueCheck;
}

type Options = Record<string, OptionSpec>;

/** What the parser gives a command: every option with its value (or default), and the arguments. */
export type OptionValues<O extends Options> = {
  [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K] extends { default: string }
      ? string
      : string | undefined;
};

export interface CommandLine<O extends Options = Options> {
  values: OptionValues<O>;
  /** The arguments in order; as many as the command declares, the required ones present. */
  args: string[];
}

export interface Command<O extends Options = Options> {
  summary: string;
  /** More than the summary, for its `--help`. */
  description?: string;
  arguments?: ArgumentSpec[];
  options: O;
  /** Command lines shown by `--help` (a unit test parses each). */
  examples: string[];
  /** A rule between options (`exactly one of --cron and --every`): the error, or undefined. */
  validate?(values: OptionValues<O>): string | undefined;
  /** Returns the exit code. */
  run(line: CommandLine<O>): Promise<number>;
}

/** A command whose first argument names what it does (`faultline schedule create ...`). */
export interface CommandGroup {
  summary: string;
  description?: string;
  subcommands: Record<string, Command>;
}

export type CommandEntry = Command | CommandGroup;

export const isGroup = (entry: CommandEntry): entry is CommandGroup => 'subcommands' in entry;

/** A command, its option values typed from its options. */
export function defineCommand<const O extends Options>(command: Command<O>): Command {
  return command as unknown as Command;
}

export function wholeNumber(min: number, max: number): ValueCheck {
  return {
    describe: `a whole number from ${min} to ${max}`,
    test: (v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max,
  };
}

export function oneOf(...choices: string[]): ValueCheck {
  return {
    describe: choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices.join(''),
    test: (v) => choices.includes(v),
  };
}

export function matching(pattern: RegExp, describe: string): ValueCheck {
  return { describe, test: (v) => pattern.test(v) };
}
