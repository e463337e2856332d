/**
 * `npm run build`: compiles src/ to dist/ (tsconfig.build.json) and bundles each worker's workflow
 * code once (dist/workflow-bundles/), so that `bin/faultline` runs compiled JavaScript and a worker
 * starts without webpack. dist/.stamp is the stamp of the sources it was built from
 * (scripts/source-stamp.sh, taken before compiling); bin/faultline runs the sources (tsx) again as
 * soon as the sources' stamp is another.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleFileName, WORKFLOW_MODULES } from '../src/platform/workflow-code';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const WORKFLOWS = Object.values(WORKFLOW_MODULES);

async function main(): Promise<void> {
  const started = Date.now();
  // Taken first: a file edited while this builds makes dist/ stale, not falsely current.
  const stamp = execFileSync('bash', [path.join(ROOT, 'scripts', 'source-stamp.sh')], { encoding: 'utf8' });
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', path.join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  mkdirSync(path.join(DIST, 'workflow-bundles'), { recursive: true });
  for (const module of WORKFLOWS) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve(path.join(DIST, module)),
      logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
    });
    writeFileSync(path.join(DIST, 'workflow-bundles', bundleFileName(module)), code);
  }
  writeFileSync(path.join(DIST, '.stamp'), stamp);
  process.stdout.write(`build: dist/ and ${WORKFLOWS.length} workflow bundles in ${Date.now() - started} ms\n`);
}

main().catch((err) => {
  process.stderr.write(`build failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
