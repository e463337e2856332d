/**
 * Your own service. A small compose project made here (its own PostgreSQL, its own schema, a
 * password faultline never sees in a file), followed the way docs/your-own-service.md tells a new
 * user: `faultline init --service`, the connection's variable, `faultline up`,
 * `faultline run`, with custom operations given as SQL. Held to the project's own evidence: an
 * independent probe on its port, and its table's rows against the writes the report counts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { ExperimentReport } from '../../src/activities/report/report-types';
import { referenceTotalMs, referenceWindows } from '../reference/availability-reference';
import { freePort } from './harness/free-port';
import { IndependentProbe } from './harness/independent-probe';
import { runCli } from './harness/run-cli';
import { parseExperiment } from '../../src/shared/experiment-schema';

const run = promisify(execFile);
const PROJECT = `faultline-own-${process.pid}`;
const PASSWORD = `own-${Math.random().toString(36).slice(2, 10)}`;
const SKUS = ['A-100', 'B-200', 'C-300', 'D-400'];

const SCHEMA = `
CREATE TABLE stock_items (sku text PRIMARY KEY, qty integer NOT NULL);
CREATE TABLE stock_moves (id bigserial PRIMARY KEY, sku text NOT NULL REFERENCES stock_items, delta integer NOT NULL,
                          moved_at timestamptz NOT NULL DEFAULT now(),
                          -- who wrote it: the measured workload, or a steady-state check
                          app text NOT NULL DEFAULT current_setting('application_name'));
INSERT INTO stock_items VALUES ${SKUS.map((s, i) => `('${s}', ${(i + 1) * 10})`).join(', ')};
`;

function composeFile(port: number, otherPort: number): string {
  const service = (name: string, hostPort: number, labelled: boolean) => `
  ${name}:
    image: \${FAULTLINE_POSTGRES_IMAGE:-faultline/postgres:15}
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: ${PASSWORD}
      POSTGRES_DB: shop
    volumes:
      - ./schema.sql:/docker-entrypoint-initdb.d/schema.sql:ro
    ports:
      - '127.0.0.1:${hostPort}:5432'
${labelled ? "    labels:\n      faultline.target: 'true'\n" : ''}`;
  return `version: '2.4'\nservices:${service('inventory', port, true)}${service('ledger', otherPort, false)}`;
}

async function compose(dir: string, ...args: string[]): Promise<void> {
  await run('docker-compose', ['-p', PROJECT, '-f', path.join(dir, 'docker-compose.yml'), ...args], {
    timeout: 120_000,
  });
}

const serverOf = (port: number) => ({ host: '127.0.0.1', port, user: 'shop', password: PASSWORD, database: 'shop' });

async function query<R>(port: number, sql: string): Promise<R[]> {
  const client = new Client({ ...serverOf(port), connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(sql)).rows as R[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ready(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await query(port, 'SELECT count(*) FROM stock_items');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the compose project's database never answered: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe('your own compose service (issue 17)', function () {
  this.timeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-own-'));
  let port = 0;

  before(async () => {
    port = await freePort();
    writeFileSync(path.join(dir, 'schema.sql'), SCHEMA);
    writeFileSync(path.join(dir, 'docker-compose.yml'), composeFile(port, await freePort()));
    await compose(dir, 'up', '-d');
    await ready(port);
  });

  after(async () => {
    await compose(dir, 'down', '-v').catch(() => undefined);
  });

  it("init --http writes seed 000's three cases for the service, and the two variables to export", async () => {
    const out = path.join(dir, 'suite');
    const initHttp = (arg: string, ...more: string[]) =>
      runCli(['init', '--http', arg, '--service', 'inventory', '--project', PROJECT, '--out', out, ...more]);
    const r = await initHttp('shop=http://127.0.0.1:18080/');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /export FAULTLINE_HTTP_SHOP='http:\/\/127\.0\.0\.1:18080'/);
    assert.match(
      r.stdout,
      /export FAULTLINE_CONNECTION_INVENTORY='postgres:\/\/shop:<password>@127\.0\.0\.1:\d+\/shop'/,
    );
    const cases = ['normal', 'database-failure', 'all'].map((c) =>
      parseExperiment(JSON.parse(readFileSync(path.join(out, `shop-${c}.json`), 'utf8'))),
    );
    for (const d of cases) {
      assert.deepEqual(d.http?.targets, ['shop']);
      assert.equal(d.http?.audit?.connection, 'inventory');
      assert.deepEqual(d.paths, ['inventory']);
    }
    assert.equal(cases[0]!.fault, undefined, 'normal operation injects nothing');
    for (const d of cases.slice(1))
      assert.equal(d.fault?.kind === 'docker' && d.fault.target.container, `${PROJECT}_inventory_1`);
    const lab = await initHttp('flask=http://127.0.0.1:1');
    assert.equal(lab.code, 2);
    assert.match(lab.stderr, /--http: "flask" is one of the lab's HTTP targets/);
    const bare = await initHttp('shop', '--force');
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--http: "shop" must be NAME=BASE_URL/);
  });

  it('init refuses a service that did not opt in, and says which label to add', async () => {
    const r = await runCli(['init', '--service', 'ledger', '--project', PROJECT, '--out', path.join(dir, 'no.json')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not opted in.*labels: \["faultline\.target=true"\].*service "ledger"/);
  });

  it('init, the variable it names, up and run: a report on your own queries, held to a probe and to the table', async () => {
    const file = path.join(dir, 'inventory.json');
    const init = await runCli([
      'init',
      '--service',
      'inventory',
      '--project',
      PROJECT,
      '--out',
      file,
      '--fault-seconds',
      '4',
    ]);
    assert.equal(init.code, 0, init.stderr);
    const exported =
      /export (FAULTLINE_CONNECTION_INVENTORY)='(postgres:\/\/shop:<password>@127\.0\.0\.1:(\d+)\/shop)'/.exec(
        init.stdout,
      );
    assert.ok(exported, `init shows the connection's variable: ${init.stdout}`);
    assert.equal(Number(exported[3]), port, 'on the port the compose file publishes');
    assert.doesNotMatch(readFileSync(file, 'utf8'), new RegExp(PASSWORD), 'the password is in no file');

    // What a user does next: their own statements, shorter phases for the test.
    const definition = JSON.parse(readFileSync(file, 'utf8'));
    definition.durations = { ...definition.durations, warmupSeconds: 4 };
    definition.report = { directory: 'test-artifacts/reports' };
    definition.steadyState = { windowSeconds: 2, minSuccessRate: 0.99, maxP99Ms: 1000 };
    definition.workload = {
      stallThresholdMs: 1000,
      // Sampled as densely as the other truth tests sample (the seed's 0.1-0.5 s think time lets a
      // window open up to half a second after the stop when every worker is pausing).
      thinkTimeSeconds: { min: 0.01, max: 0.02 },
      custom: [
        {
          name: 'item_qty',
          weight: 3,
          statement: 'SELECT qty FROM stock_items WHERE sku = $1',
          parameters: [{ pick: SKUS }],
        },
        {
          name: 'record_move',
          weight: 1,
          statement: 'INSERT INTO stock_moves (sku, delta) VALUES ($1, $2)',
          parameters: [{ pick: SKUS }, { randomInt: [-5, 5] }],
        },
      ],
    };
    writeFileSync(file, JSON.stringify(definition, null, 2));

    const env = { [exported[1]!]: exported[2]!.replace('<password>', PASSWORD) };
    const up = await runCli(['up'], env, 240_000);
    assert.equal(up.code, 0, up.stderr);
    // A client that shares no code with faultline: fresh connections, SELECT 1, attempts overlapping.
    const probe = new IndependentProbe('inventory', 'SELECT 1', undefined, serverOf(port));
    const result = await runCli(['run', file, '--json'], env, 240_000);
    const until = await probe.stop();
    const probeMs = referenceTotalMs(referenceWindows(probe.attempts, 1000, until), until);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    const outcome = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { report: { json: string } };
    const report = JSON.parse(readFileSync(outcome.report.json, 'utf8')) as ExperimentReport;
    const p = report.paths.find((x) => x.path === 'inventory')!;
    assert.ok(p, `the report has the path "inventory": ${report.paths.map((x) => x.path)}`);

    const ops = p.overall.byOperation;
    assert.deepEqual(Object.keys(ops).sort(), ['item_qty', 'record_move'], 'only your operations ran');
    assert.equal(p.overall.byType.write.attempts, ops.record_move!.attempts, 'record_move is a write');
    const ratio = ops.item_qty!.attempts / ops.record_move!.attempts;
    assert.ok(ratio > 1.8 && ratio < 5, `weights 3:1 (got ${ratio.toFixed(2)})`);
    assert.ok(p.overall.total.failures > 0, 'operations failed while the service was stopped');
    // Each operation's figures in the console summary and the HTML, as in report.json.
    const summary = readFileSync(path.join(path.dirname(outcome.report.json), 'summary.txt'), 'utf8');
    const html = readFileSync(outcome.report.json.replace(/report\.json$/, 'report.html'), 'utf8');
    for (const [name, stats] of Object.entries(ops)) {
      assert.match(
        summary,
        new RegExp(`\\n    ${name} +${stats!.attempts.toLocaleString('en-US')} ops`),
        `${name} in the summary:\n${summary}`,
      );
      assert.match(html, new RegExp(`<tr><td>${name}</td><td>${stats!.attempts}</td>`), `${name} in the HTML`);
    }

    // The table itself: every insert the measured workload had acknowledged is there, and no more
    // rows than it attempted (the steady-state checks write too, under their own application_name).
    const { n } = (
      await query<{ n: string }>(port, "SELECT count(*) AS n FROM stock_moves WHERE app = 'faultline-workload'")
    )[0]!;
    const acknowledged = ops.record_move!.attempts - ops.record_move!.failures;
    assert.ok(
      Number(n) >= acknowledged && Number(n) <= ops.record_move!.attempts,
      `stock_moves has ${n} rows by faultline-workload: at least the ${acknowledged} acknowledged, at most the ${ops.record_move!.attempts} attempted`,
    );
    // The downtime, against a plain client's view of the same port.
    const detected = p.cycles[0]!.detectedDowntimeMs;
    process.stdout.write(`      own service: detected ${detected} ms, probe ${probeMs} ms, ${n} rows written\n`);
    assert.ok(
      detected >= probeMs - 250 && detected <= probeMs + 1500,
      `detected ${detected} ms vs probe ${probeMs} ms`,
    );
  });

  it('a custom statement that does not run on the database fails before anything is injected, naming the field', async () => {
    const file = path.join(dir, 'broken.json');
    const definition = JSON.parse(readFileSync(path.join(dir, 'inventory.json'), 'utf8'));
    definition.workload.custom = [{ name: 'typo', weight: 1, statement: 'SELECT qty FROM stock_itemz' }];
    writeFileSync(file, JSON.stringify(definition));
    const env = { FAULTLINE_CONNECTION_INVENTORY: `postgres://shop:${PASSWORD}@127.0.0.1:${port}/shop` };
    const startedAt = async () => {
      const filters = [`label=com.docker.compose.project=${PROJECT}`, 'label=com.docker.compose.service=inventory'];
      const id = (await run('docker', ['ps', '-q', ...filters.flatMap((f) => ['--filter', f])])).stdout.trim();
      return (await run('docker', ['inspect', '-f', '{{.State.StartedAt}}', id])).stdout.trim();
    };
    const before = await startedAt();
    const r = await runCli(['run', file], env, 120_000);
    assert.notEqual(r.code, 0);
    assert.match(
      `${r.stdout}${r.stderr}`,
      /workload\.custom\[0\] \(typo\)\.statement: relation "stock_itemz" does not exist/,
    );
    assert.equal(await startedAt(), before, 'the container was never stopped');
  });

  it('custom operations are validated with the definition: parameters must match the statement', async () => {
    const file = path.join(dir, 'mismatch.json');
    const definition = JSON.parse(readFileSync(path.join(dir, 'inventory.json'), 'utf8'));
    definition.workload.custom = [{ name: 'two', weight: 1, statement: 'SELECT $1::int + $2::int', parameters: [1] }];
    writeFileSync(file, JSON.stringify(definition));
    const r = await runCli(['run', file]);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /workload\.custom\.0\.parameters: the statement uses \$1\.\.\$2: give 2 parameters \(got 1\)/,
    );
  });
});
