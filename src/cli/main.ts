/**
 * `faultline`: the command line. Each command lives in its own module under ./commands and
 * describes its options once; command-line.ts parses by that description, help.ts prints it.
 */
import { COMMANDS } from './commands';
import { parseCommandLine, UsageError } from './command-line';
import { helpText } from './help';
import { NoLabHereError } from '../platform/checkout';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, COMMANDS);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const where = err.command ? `faultline ${err.command}` : 'faultline';
    const hint = err.command ? 'lists its options' : 'lists the commands';
    process.stderr.write(`${where}: ${err.message}\n(\`${where} --help\` ${hint})\n`);
    return 2;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(helpText(COMMANDS, parsed.name, parsed.entry));
    return parsed.asked ? 0 : 2;
  }
  return await parsed.command.run(parsed.line);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`faultline: ${err instanceof Error ? err.message : String(err)}\n`);
    // A lab command where the lab is not (an installed package) is refused as a usage error: 2.
    process.exitCode = err instanceof NoLabHereError ? err.exitCode : 1;
  },
);
