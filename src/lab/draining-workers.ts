/**
 * An older build of a lab worker kept while experiments pinned to it are open (Worker Versioning,
 * platform/worker-deployment.ts): when `up` finds a worker whose sources changed, it leaves that
 * process running under the name `<worker>@<build id>` if the server has open workflows on its
 * version, starts the new build beside it, and stops a kept one once nothing open is pinned to it.
 * `down` stops them all.
 */
import { connectClient } from '../platform/temporal-connection';
import { labTemporalTarget } from '../platform/temporal-target';
import { openOnVersionQuery, workerVersioningOn } from '../platform/worker-deployment';
import { processStateNames, renameProcessState, runningProcess, stopBackgroundProcess } from './background-process';
import type { WorkerSpec } from './worker-processes';

/** The open workflows pinned to `buildId` of the worker's deployment (its task queue). */
async function openOnVersion(spec: WorkerSpec, buildId: string): Promise<number> {
  const lab = labTemporalTarget();
  const client = await connectClient(lab);
  try {
    const { count } = await client.workflow.count(openOnVersionQuery(spec.taskQueue, buildId));
    return count;
  } finally {
    await client.connection.close();
  }
}

const drainingName = (spec: WorkerSpec, buildId: string) => `${spec.name}@${buildId}`;

/**
 * Keeps the running worker `spec` (build `buildId`) when workflows are pinned to it: its state is
 * renamed and true returned; false when nothing is (the caller stops it).
 */
export async function keepWhilePinned(spec: WorkerSpec, buildId: string): Promise<boolean> {
  if (!workerVersioningOn()) return false;
  const open = await openOnVersion(spec, buildId).catch(() => 0);
  if (open === 0) return false;
  renameProcessState(spec.name, drainingName(spec, buildId));
  process.stderr.write(
    `lab: ${spec.name} build ${buildId} kept for the ${open} open workflow(s) pinned to it (as ${drainingName(spec, buildId)})\n`,
  );
  return true;
}

/** Stops the kept builds of `spec` that nothing open is pinned to any more. */
export async function stopDrained(spec: WorkerSpec): Promise<void> {
  for (const name of processStateNames(`${spec.name}@`)) {
    const buildId = name.slice(spec.name.length + 1);
    const open = runningProcess(name) ? await openOnVersion(spec, buildId).catch(() => 1) : 0;
    if (open === 0 && (await stopBackgroundProcess(name))) process.stderr.write(`lab: ${name} drained, stopped\n`);
  }
}

/** Stops every kept build of `spec` (`faultline down`). */
export async function stopKept(spec: WorkerSpec): Promise<void> {
  for (const name of processStateNames(`${spec.name}@`))
    if (await stopBackgroundProcess(name)) process.stderr.write(`lab: ${name} stopped\n`);
}
