/**
 * The installable package: `npm pack` makes a tarball that `npm install -g` installs into an empty
 * prefix, away from the checkout, and `faultline` runs from it: its help, `schema`, the worker
 * (failing clearly when no Temporal listens) and the lab commands (refused: the lab comes with the
 * checkout). The tarball is packed from a copy of the checkout's files, so that its prepack build
 * does not replace the dist/ the lab's workers run from. Needs the npm registry (the package's
 * dependencies): a registry npm cannot reach fails the test, saying so.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }) {
  return new Promise<Ran>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The checkout's files as git sees them (tracked and untracked, not ignored), node_modules linked. */
async function copyOfCheckout(to: string): Promise<void> {
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    timeoutMs: 30_000,
  });
  assert.equal(listed.code, 0, listed.stderr);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted, not yet committed
    mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(to, file));
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(to, 'node_modules'));
}

const NETWORK = /ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|E50[234]|network|socket hang up/i;

describe('installed package (npm pack, npm install -g)', function () {
  this.timeout(600_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'faultline-package-'));
  const prefix = path.join(work, 'prefix');
  const installed = path.join(prefix, 'lib', 'node_modules', 'faultline');
  const faultline = path.join(prefix, 'bin', 'faultline');
  const elsewhere = path.join(work, 'elsewhere');
  // Nothing from this shell's Temporal (temporal-isolation.ts already cleared TEMPORAL_*); no
  // metrics ports, which the lab's own worker holds.
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_CONFIG_FILE: process.env.TEMPORAL_CONFIG_FILE,
    FAULTLINE_METRICS_PORT: '0',
    FAULTLINE_TEMPORAL_METRICS_PORT: '0',
    ...extra,
  });
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    run(faultline, args, { cwd: elsewhere, env: env(extra), timeoutMs: 60_000 });

  before(async () => {
    const checkout = path.join(work, 'checkout');
    mkdirSync(checkout);
    mkdirSync(prefix);
    mkdirSync(elsewhere);
    await copyOfCheckout(checkout);
    const packed = await run('npm', ['pack', '--pack-destination', work], { cwd: checkout, timeoutMs: 300_000 });
    assert.equal(packed.code, 0, `npm pack failed:\n${packed.stderr}`);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, `npm pack left no tarball in ${work}`);
    const registry = (
      await run('npm', ['config', 'get', 'registry'], { cwd: elsewhere, timeoutMs: 30_000 })
    ).stdout.trim();
    const install = await run('npm', ['install', '-g', '--prefix', prefix, path.join(work, tarball)], {
      cwd: elsewhere,
      timeoutMs: 400_000,
    });
    if (install.code !== 0 && NETWORK.test(install.stderr))
      assert.fail(`npm could not reach the registry ${registry} to install the dependencies:\n${install.stderr}`);
    assert.equal(install.code, 0, `npm install -g failed:\n${install.stderr}`);
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('holds the compiled CLI and the workflow bundles, not the sources nor tsx', async () => {
    assert.ok(existsSync(path.join(installed, 'dist', 'cli', 'main.js')));
    assert.ok(existsSync(path.join(installed, 'init.sql')), "the worker's schema setup reads it");
    assert.ok(existsSync(path.join(installed, 'schema', 'experiment.schema.json')));
    assert.ok(!existsSync(path.join(installed, 'src')), 'no TypeScript sources');
    assert.ok(!existsSync(path.join(installed, 'node_modules', 'tsx')), 'tsx is a dev dependency');
    const code = await run(
      process.execPath,
      [
        '-e',
        `const w = require(${JSON.stringify(path.join(installed, 'dist', 'platform', 'workflow-code.js'))});` +
          'console.log(JSON.stringify(Object.values(w.WORKFLOW_MODULES).map(w.workflowCode)))',
      ],
      { cwd: elsewhere, timeoutMs: 30_000 },
    );
    assert.equal(code.code, 0, code.stderr);
    for (const found of JSON.parse(code.stdout) as { workflowBundle?: { codePath: string } }[]) {
      assert.ok(found.workflowBundle, `a worker would bundle at start: ${JSON.stringify(found)}`);
      assert.ok(existsSync(found.workflowBundle.codePath), found.workflowBundle.codePath);
    }
  });

  it("prints its help, a command's help and the schema", async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^usage: faultline <command>/);
    assert.match(help.stdout, /^ {2}worker +run the faultline worker/m);
    const runHelp = await cli(['run', '--help']);
    assert.equal(runHelp.code, 0, runHelp.stderr);
    assert.match(runHelp.stdout, /^usage: faultline run FILE/);
    assert.match(runHelp.stdout, /--dry-run/);
    const schema = await cli(['schema']);
    assert.equal(schema.code, 0, schema.stderr);
    const parsed = JSON.parse(schema.stdout) as { $id: string; title: string };
    assert.equal(parsed.$id, 'https://faultline.dev/schema/experiment.schema.json');
    assert.equal(parsed.title, 'faultline experiment');
  });

  it('refuses the lab commands, saying the lab comes with the checkout', async () => {
    for (const command of ['up', 'down']) {
      const result = await cli([command]);
      assert.equal(result.code, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /the lab comes with the checkout, not with this installed package/);
      assert.match(result.stderr, /git clone .* && cd faultline && bin\/faultline up/);
    }
    assert.ok(!existsSync(path.join(installed, '.lab')), 'nothing provisioned in the prefix');
  });

  it('starts a worker that fails clearly when no Temporal listens at the address', async () => {
    const started = Date.now();
    const result = await cli(['worker'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /Temporal server 127\.0\.0\.1:1\b.*is not reachable: nothing listens at 127\.0\.0\.1:1/,
    );
    assert.ok(Date.now() - started < 30_000, 'it gives up at once');
  });
});
