/** `faultline`: the command line. Each command lives in its own module under ./commands. */
import { COMMANDS } from './commands';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    printUsage();
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`faultline: unknown command "${name}"\n\n`);
    printUsage();
    return 2;
  }
  return await command.run(rest);
}

function printUsage(): void {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  process.stdout.write(`usage: faultline <command> [options]\n\ncommands:\n${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`faultline: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
