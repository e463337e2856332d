/**
 * `faultline init --service NAME`: writes an experiment for your own Docker Compose service (see
 * docs/your-own-service.md) and prints the variable that names its connection; with `--http
 * NAME=BASE_URL`, seed 000's three cases for your HTTP service (http-suite.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseExperiment } from '../../shared/experiment-schema';
import { describeOwnService, OwnServiceError, type OwnService } from '../own-service';
import { httpSuite, parseHttpArg, type HttpTargetArg } from '../http-suite';
import { defineCommand, wholeNumber } from '../command';

export const initCommand = defineCommand({
  summary: 'write an experiment for your own compose service',
  description:
    "Writes an experiment that stops your own Docker Compose service's PostgreSQL container (it must opt in: " +
    "label faultline.target: 'true') and prints the variable that names its connection. See the README's " +
    '"Your own service". With --http NAME=BASE_URL it writes seed 000\'s suite for your HTTP service instead: ' +
    'normal, database-failure and all, each measuring its API beside its database and auditing what it acknowledged.',
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
    http: {
      type: 'string',
      value: 'NAME=BASE_URL',
      description:
        "your service's HTTP API: write seed 000's suite for it (NAME-normal, NAME-database-failure, NAME-all) in the folder --out names",
    },
    force: { type: 'boolean', description: 'overwrite FILE if it exists' },
  },
  examples: [
    'faultline init --service db --project myshop',
    'faultline init --service db --out experiments/db.json --force',
    'faultline init --http shop=http://127.0.0.1:8080 --service db --project myshop',
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
    if (values.http)
      return await writeHttpSuite(own, values.http, values.out ?? 'experiments', faultSeconds, values.force);
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

/** `--http`: seed 000's three cases for the service, each a valid experiment, and the two variables to export. */
async function writeHttpSuite(
  own: OwnService,
  arg: string,
  dir: string,
  faultSeconds: number,
  force: boolean | undefined,
): Promise<number> {
  let http: HttpTargetArg;
  try {
    http = parseHttpArg(arg);
  } catch (err) {
    process.stderr.write(`faultline init: ${(err as Error).message}\n`);
    return 2;
  }
  const files = Object.entries(httpSuite(own, http, faultSeconds)).map(([name, definition]) => ({
    file: path.join(dir, `${http.name}-${name}.json`),
    definition,
  }));
  for (const { file, definition } of files) {
    parseExperiment(definition); // what init writes is a valid experiment
    if (existsSync(file) && !force) {
      process.stderr.write(`faultline init: ${file} exists; --force to overwrite it, or --out another folder\n`);
      return 2;
    }
  }
  await mkdir(dir, { recursive: true });
  for (const { file, definition } of files) await writeFile(file, `${JSON.stringify(definition, null, 2)}\n`);
  process.stdout.write(
    httpNextSteps(
      own,
      http,
      files.map((f) => f.file),
    ),
  );
  return 0;
}

function httpNextSteps(own: OwnService, http: HttpTargetArg, files: string[]): string {
  return [
    `wrote seed 000's suite for ${http.name} (its database ${own.container}, compose service ${own.service}, opted in):`,
    ...files.map((f) => `  ${f}`),
    '',
    'Edit http.requests to your own API (path, body template, which answers are served and which refused),',
    'http.health to your health request, and http.audit.query to the table your service writes',
    '($1 is the id each request sent), then tell the worker where both are:',
    `  export ${http.envVar}='${http.shown}'`,
    `  export ${own.envVar}='${own.urlTemplate}'`,
    '',
    'then start the lab (it passes the variables to the worker) and run a case:',
    '  bin/faultline up',
    `  bin/faultline run ${files[1]}`,
    '',
  ].join('\n');
}

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
