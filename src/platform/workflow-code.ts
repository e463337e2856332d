/**
 * Where a worker gets its workflow code. Compiled (`npm run build`), it loads the bundle built then
 * (dist/workflow-bundles/NAME.js): no webpack at start, so a worker restarted after a crash polls
 * within about a second. From the TypeScript sources (the dev loop, tsx), it bundles at start.
 * FAULTLINE_WORKFLOW_BUNDLE_DIR: the bundles of another build (a folder of NAME.js, as
 * dist/workflow-bundles), e.g. to run a previous release's workflows as their own version.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The workflows modules the workers load, relative to src/ (dist/): `npm run build` bundles each. */
export const WORKFLOW_MODULES = { faultline: 'workflows', payment: 'workflows/payment/workflow' } as const;

export type WorkflowCode = { workflowBundle: { codePath: string } } | { workflowsPath: string };

/** The bundle's file name for a workflows module (relative to src/ or dist/, no extension). */
export function bundleFileName(workflowsModule: string): string {
  return `${workflowsModule.replace(/[/\\]/g, '-')}.js`;
}

/** `workflowsModule`: the workflows' module relative to src/ (dist/), e.g. `workflows/payment/workflow`. */
export function workflowCode(workflowsModule: string): WorkflowCode {
  const dir = process.env.FAULTLINE_WORKFLOW_BUNDLE_DIR?.trim();
  if (dir) {
    const given = path.resolve(dir, bundleFileName(workflowsModule));
    if (!existsSync(given)) throw new Error(`FAULTLINE_WORKFLOW_BUNDLE_DIR: ${given} does not exist`);
    return { workflowBundle: { codePath: given } };
  }
  const root = path.resolve(__dirname, '..');
  const compiled = __filename.endsWith('.js');
  const bundle = path.join(root, 'workflow-bundles', bundleFileName(workflowsModule));
  if (compiled && existsSync(bundle)) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve(path.join(root, workflowsModule)) };
}
