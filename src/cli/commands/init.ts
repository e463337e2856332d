/**
 * `faultline init --service NAME`: writes an experiment for your own Docker Compose service (see
 * docs/your-own-service.md) and prints the variable that names its connection.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseExperiment } from '../../shared/experiment-schema';
import { describeOwnService, OwnServiceError, type OwnService } from '../own-service';
import type { Command } from '../command';

export const initCommand: Command = {
  summary:
    'write an experiment for your own compose service: --service NAME [--project P] [--connection NAME] [--out FILE] [--fault-seconds N] [--force]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        service: { type: 'string' },
        project: { type: 'string' },
        connection: { type: 'string' },
        out: { type: 'string' },
        'fault-seconds': { type: 'string', default: '10' },
        force: { type: 'boolean', default: false },
      },
    });
    if (!values.service) throw new Error('--service: name the compose service that runs your PostgreSQL');
    const faultSeconds = Number(values['fault-seconds']);
    if (!Number.isInteger(faultSeconds) || faultSeconds < 1 || faultSeconds > 3600)
      throw new Error('--fault-seconds must be a whole number from 1 to 3600');
    let own;
    try {
      own = await describeOwnService({
        service: values.service,
        faultSeconds,
        ...(values.project ? { project: values.project } : {}),
        ...(values.connection ? { connection: values.connection } : {}),
      });
    } catch (err) {
      if (!(err instanceof OwnServiceError)) throw err;
      process.stderr.write(`faultline init: ${err.message}\n`);
      return 2;
    }
    try {
      parseExperiment(own.definition); // what init writes is a valid experiment, or it says why here
    } catch (err) {
      process.stderr.write(
        `faultline init: the experiment for "${own.service}" would be invalid: ${(err as Error).message}\n`,
      );
      return 2;
    }
    const out = values.out ?? path.join('experiments', `${own.connection}-outage.json`);
    if (existsSync(out) && !values.force) {
      process.stderr.write(`faultline init: ${out} exists; --force to overwrite it, or --out another file\n`);
      return 2;
    }
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(own.definition, null, 2)}\n`);
    process.stdout.write(nextSteps(own, out, faultSeconds));
    return 0;
  },
};

/** What init wrote, and what the user does next. */
function nextSteps(own: OwnService, out: string, faultSeconds: number): string {
  return [
    `wrote ${out}: stop ${own.container} (compose service ${own.service}, opted in) for ${faultSeconds} s`,
    '',
    `The workload is two placeholder queries (workload.custom): replace them with your own statements`,
    `(name, weight, statement with $1..$n, parameters; type read or write).`,
    '',
    `The connection "${own.connection}" is read by the worker from its environment:`,
    `  export ${own.envVar}='${own.urlTemplate}'`,
    '',
    'then start the lab (it passes the variable to the worker) and run it:',
    '  bin/faultline up',
    `  bin/faultline run ${out}`,
    '',
  ].join('\n');
}
