/**
 * The lab's payment service against its own OpenAPI document (GET /openapi.json).
 * Its real answers (every GET route, valid and invalid POSTs) validate against the document; the
 * OpenAPI 3.1 meta-schema accepts it (openapi-spec-validator); and schemathesis fuzzes every
 * operation and finds nothing: no status, body, header or content type the document does not
 * have, no server error but the documented 503, no invalid request accepted. The writing operations
 * get only invalid requests, which must all be refused before the database: the payments table
 * does not change. Both tools are pinned in .lab/venv by scripts/provision.sh; a missing one fails.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/platform/settings';
import { paymentServiceUrl } from '../../src/service/client/service-url';
import { OPENAPI_DOCUMENT } from '../../src/service/openapi-document';
import { PAYMENT_ROUTES } from '../../src/service/payment-routes';
import { OpenApiChecker } from '../unit/harness/openapi-checker';
import { ensureDbRunning, sqlQuery } from './harness/lab-database';
import { paymentsAtRest, paymentsSnapshot, rowsAfter } from './harness/payments-table';
import { runProgram } from './harness/run-cli';

type Json = Record<string, unknown>;
const base = paymentServiceUrl();
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'openapi');
const unique = `oa${process.pid}x${Date.now().toString(36)}`;

/** A tool of the lab's Python venv, or a failure saying how to get it (never a skip). */
function venvTool(name: string): string {
  const tool = path.join(PROJECT_ROOT, '.lab', 'venv', 'bin', name);
  if (!existsSync(tool)) throw new Error(`${tool} is missing: run scripts/provision.sh, which pins it in .lab/venv`);
  return tool;
}

/** schemathesis's settings: what is not a server error, what refusing invalid data means, who gets only invalid data. */
function schemathesisConfig(): string {
  const writes = PAYMENT_ROUTES.filter((r) => r.method !== 'GET').map((r) => r.operationId);
  return [
    '[cache]',
    'enabled = false',
    '',
    '[checks]',
    '# 503 is the documented answer while the database is down; any other 5xx is a failure.',
    'not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]',
    'negative_data_rejection.expected-statuses = ["400", "404", "405", "413", "415"]',
    '',
    '# Generated data only: no id of a real payment taken from an answer into a write.',
    '[phases.coverage.extra-data-sources]',
    'responses = false',
    '[phases.fuzzing.extra-data-sources]',
    'responses = false',
    '',
    '# The writes get invalid requests only, so that nothing may change in the payments table.',
    '[[operations]]',
    `include-operation-id = ${JSON.stringify(writes)}`,
    'generation.mode = "negative"',
    '',
  ].join('\n');
}

interface Interaction {
  label: string;
  method: string;
  uri: string;
  status: number | null;
}

/** Every request schemathesis sent and its status, from its NDJSON event stream. */
function interactions(reportDir: string): Interaction[] {
  const file = readdirSync(reportDir).find((f) => f.endsWith('.ndjson'));
  assert.ok(file, `no NDJSON report in ${reportDir}`);
  const found: Interaction[] = [];
  for (const line of readFileSync(path.join(reportDir, file), 'utf8').split('\n').filter(Boolean)) {
    const recorder = (JSON.parse(line) as { ScenarioFinished?: { recorder: Json } }).ScenarioFinished?.recorder;
    if (!recorder) continue;
    for (const value of Object.values(recorder.interactions as Record<string, Json>)) {
      const { method, uri } = value.request as { method: string; uri: string };
      const response = value.response as { status_code: number } | null;
      found.push({ label: String(recorder.label), method, uri, status: response?.status_code ?? null });
    }
  }
  return found;
}

describe('payment service OpenAPI document on the real lab (GET /openapi.json)', function () {
  this.timeout(90_000);
  let document: Json;
  let checker: OpenApiChecker;
  const problems: string[] = [];

  before(async () => {
    await ensureDbRunning();
    mkdirSync(ARTIFACTS, { recursive: true });
    const response = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 200, `${base}/openapi.json`);
    document = (await response.json()) as Json;
    checker = new OpenApiChecker(document);
  });

  /** One request for an operation (method + path template); its answer is checked against the document. */
  async function answer(
    method: string,
    template: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const json = JSON.parse(text) as Json;
    const header = (name: string) => response.headers.get(name);
    problems.push(...checker.check(method, template, { status: response.status, header, body: json }));
    return { status: response.status, body: json, header };
  }

  it('serves the document of the code it runs, valid by the OpenAPI 3.1 meta-schema', async () => {
    assert.deepEqual(document, OPENAPI_DOCUMENT, 'the running service serves src/service/openapi-document.ts');
    const file = path.join(ARTIFACTS, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const validator = await runProgram(venvTool('openapi-spec-validator'), [file], {}, 30_000);
    assert.equal(validator.code, 0, `${validator.stdout}\n${validator.stderr}`);
    assert.match(validator.stdout, /OK/);
  });

  it('real answers conform: every GET route, valid and invalid POSTs, Prefer: respond-async', async () => {
    const id = `${unique}-ok`;
    assert.equal((await answer('GET', '/health', '/health')).status, 200);
    assert.equal((await answer('GET', '/openapi.json', '/openapi.json')).status, 200);
    assert.equal((await answer('POST', '/payments', '/payments', { order_id: id, amount: 12.34 })).status, 201);
    assert.equal((await answer('POST', '/payments', '/payments', { order_id: id, amount: 12.34 })).status, 200);
    assert.equal((await answer('POST', '/payments', '/payments', { order_id: id, amount: 12.35 })).status, 409);
    for (const invalid of [{ order_id: '-x', amount: 1 }, { order_id: `${unique}-no`, amount: 1.005 }, '{', '\n'])
      assert.equal((await answer('POST', '/payments', '/payments', invalid)).status, 400, JSON.stringify(invalid));
    const plain = await answer('POST', '/payments', '/payments', 'x', { 'content-type': 'text/plain' });
    assert.equal(plain.status, 415);
    const accepted = { order_id: `${unique}-async`, amount: 1.1 };
    const durable = await answer('POST', '/payments', '/payments', accepted, { prefer: 'respond-async' });
    assert.equal(durable.status, 202);
    assert.equal(durable.header('location'), `/payments/${unique}-async`);
    const read = '/payments/{order_id}';
    assert.equal((await answer('GET', read, `/payments/${id}`)).body.amount, 12.34);
    assert.equal((await answer('GET', read, `/payments/${unique}-missing`)).status, 404);
    assert.equal((await answer('GET', read, '/payments/-x')).status, 400);
    assert.equal((await answer('GET', read, '/payments/')).status, 405);
    const confirm = '/payments/{order_id}/confirm';
    assert.equal((await answer('POST', confirm, `/payments/${id}/confirm`)).body.changed, true);
    assert.equal((await answer('POST', confirm, `/payments/${id}/confirm`, {})).body.changed, false);
    assert.equal((await answer('POST', confirm, `/payments/${unique}-missing/confirm`)).status, 404);
    assert.equal((await answer('POST', confirm, `/payments/${id}/confirm`, { amount: 1 })).status, 400);
    assert.deepEqual(problems, []);
    const rows = await sqlQuery<{ n: number }>('SELECT count(*)::int AS n FROM payments WHERE order_id = $1', [id]);
    assert.equal(rows[0]!.n, 1);
  });

  it('schemathesis finds nothing, and its invalid writes leave the payments table unchanged', async () => {
    const st = venvTool('st');
    const configFile = path.join(ARTIFACTS, 'schemathesis.toml');
    const reportDir = path.join(ARTIFACTS, 'schemathesis-report');
    writeFileSync(configFile, schemathesisConfig());
    rmSync(reportDir, { recursive: true, force: true });
    await paymentsAtRest();
    const before = await paymentsSnapshot();
    const [last] = await sqlQuery<{ id: number | null }>('SELECT max(id)::int AS id FROM payments');
    const args = ['--config-file', configFile, 'run', `${base}/openapi.json`, '--phases', 'coverage,fuzzing'];
    args.push('--max-examples', '30', '--checks', 'all', '--generation-database', 'none', '--request-timeout', '10');
    args.push('--report', 'junit,ndjson', '--report-dir', reportDir, '--no-color');
    // Hypothesis keeps its caches beside the report, not in the work tree.
    const env = { HYPOTHESIS_STORAGE_DIRECTORY: path.join(ARTIFACTS, 'hypothesis') };
    const run = await runProgram(st, args, env, 70_000);
    const output = `${run.stdout.slice(-6000)}\n${run.stderr.slice(-2000)}`;
    assert.equal(run.code, 0, `schemathesis failed (junit and ndjson in ${reportDir}):\n${output}`);

    const sent = interactions(reportDir);
    const operations = new Set(sent.map((i) => i.label));
    const fuzzable = PAYMENT_ROUTES.filter((r) => r.path !== '/openapi.json').map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(
      [...operations].sort(),
      [...fuzzable].sort(),
      'every operation but the document itself was fuzzed',
    );
    assert.ok(sent.length >= 100, `only ${sent.length} requests sent`);
    const serverErrors = sent.filter((i) => i.status !== null && i.status >= 500 && i.status !== 503);
    assert.deepEqual(serverErrors, [], 'no 5xx but 503');
    const writes = sent.filter((i) => i.method === 'POST' && i.status !== null && i.status < 300);
    assert.deepEqual(writes, [], 'no write was accepted');
    assert.equal(
      await paymentsSnapshot(),
      before,
      `the payments table is unchanged; rows added: ${await rowsAfter(last?.id ?? 0)}`,
    );
    process.stderr.write(
      `      schemathesis: ${sent.length} requests, ${[...operations].length} operations, ${output.match(/\d+ generated[^\n]*/)?.[0] ?? ''}\n`,
    );
  });
});
