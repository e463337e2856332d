import { doctor } from '../../lab/doctor';
import { defineCommand } from '../command';

export const doctorCommand = defineCommand({
  summary: 'report what is up and what is missing, with the fix for each',
  description:
    'Reports what is up and what is missing (containers, Temporal, workers, connections), with the fix for each. ' +
    'Exits 0 when everything is up, 1 otherwise.',
  options: { json: { type: 'boolean', description: 'one JSON array of the checks' } },
  examples: ['faultline doctor'],
  async run({ values }) {
    const checks = await doctor();
    if (values.json) {
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
});
