/**
 * Worker Versioning (Temporal worker deployments): every worker polls as a version of its
 * deployment, `<deployment>:<build id>`, and a workflow runs to its end on the version it started
 * on. A deployment is named by the worker's task queue (`faultline`, `payment-service`, or the
 * FAULTLINE_TASK_QUEUE of a worker beside the lab's): the workers of one queue are one deployment,
 * whose current version is theirs alone. Stated per workflow type:
 *   chaosExperiment    PINNED: an experiment finishes on the code it started with (its history
 *                      need not replay on the next build); its target locks (child workflows) and
 *                      its activities, shards included, go to the same version
 *   payment workflows  PINNED: a payment finishes on its own build too (they are short)
 * The build id is FAULTLINE_BUILD_ID (the lab sets its source version), else the stamp of the build
 * (dist/.stamp), else a hash of the sources. Which version is current (new workflows go to it) is
 * current-version.ts's; an older version keeps its open experiments, and the lab keeps its worker
 * until they close (worker-processes.ts).
 * FAULTLINE_WORKER_VERSIONING=off: unversioned workers, for a server without worker deployments.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import { PROJECT_ROOT } from './settings';
import { hashSourceTree } from './source-tree-hash';

export const workerVersioningOn = (): boolean => (process.env.FAULTLINE_WORKER_VERSIONING ?? 'on') !== 'off';

/** This worker's build id (see the opening comment). */
export function buildId(): string {
  const set = process.env.FAULTLINE_BUILD_ID?.trim();
  if (set) return set;
  const compiled = __filename.endsWith('.js');
  const stamp = path.join(PROJECT_ROOT, 'dist', '.stamp');
  if (compiled && existsSync(stamp)) return readFileSync(stamp, 'utf8').trim().slice(0, 16);
  return hashSourceTree(createHash('sha256')).digest('hex').slice(0, 16);
}

/** The worker's deployment options, or none when versioning is off. */
export function deploymentOptions(deploymentName: string): WorkerDeploymentOptions | undefined {
  if (!workerVersioningOn()) return undefined;
  return {
    useWorkerVersioning: true,
    version: { deploymentName, buildId: buildId() },
    defaultVersioningBehavior: 'PINNED',
  };
}

/** The visibility query of a version's open workflows (the server's own search attribute). */
export const openOnVersionQuery = (deploymentName: string, id: string): string =>
  `TemporalWorkerDeploymentVersion = '${deploymentName}:${id}' AND ExecutionStatus = 'Running'`;
