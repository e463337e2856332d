import { labDoctor } from '../../lab/lab';
import type { Command } from '../command';

export const doctorCommand: Command = {
  summary: 'report what is up and what is missing, with the fix for each',
  async run(args) {
    const checks = await labDoctor();
    if (args.includes('--json')) {
      process.stdout.write(`${JSON.stringify(checks)}\n`);
    } else {
      const width = Math.max(...checks.map((c) => c.part.length));
      for (const c of checks) {
        process.stdout.write(
          `${c.ok ? ' ok ' : 'MISS'}  ${c.part.padEnd(width)}  ${c.detail}${c.fix ? `\n      ${''.padEnd(width)}  fix: ${c.fix}` : ''}\n`,
        );
      }
    }
    return checks.every((c) => c.ok) ? 0 : 1;
  },
};
