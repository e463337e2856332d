/**
 * `faultline init --service NAME`: writes an experiment for your own Docker Compose service (see
 * docs/your-own-service.md) and prints the variable that names its connection.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseExperiment } from '../../shared/experiment-schema';
import { describeOwnService, OwnServiceError, type OwnService } from '../own-service';
import { defineCommand, wholeNumber } from '../command';

export const initCommand = defineCommand({
  summary: 'write an experiment for your own compose service',
  description:
    "Writes an experiment that stops your own Docker Compose service's PostgreSQL container (it must opt in: " +
    "label faultline.target: 'true') and prints the variable that names its connection. See the README's " +
    '"Your own service".',
  options: {
    service: {
      type: 'string',
      value: 'NAME',
      required: true,
      description: 'the compose service that runs your PostgreSQL',
    },
    project: {
      type: 'string',
      value: 'NAME',
      description: 'your compose project',
      defaultText: 'any (one container must run the service)',
    },
    connection: {
      type: 'string',
      value: 'NAME',
      description: "the connection's name",
      defaultText: 'the service name',
    },
    out: {
      type: 'string',
      value: 'FILE',
      description: 'where to write it',
      defaultText: 'experiments/CONNECTION-outage.json',
    },
    'fault-seconds': {
      type: 'string',
      value: 'N',
      description: 'how long the container stays stopped',
      default: '10',
      check: wholeNumber(1, 3600),
    },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  examples: [
    'faultline init --service db --project myshop',
    'faultline init --service db --out experiments/db.json --force',
  ],
  async run({ values }) {
    const faultSeconds = Number(values['fault-seconds']);
    let own;
    try {
      own = await describeOwnService({
        service: values.service!,
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
});

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
