/**
 * Which build serves a worker deployment: its current version, the one new workflows go to
 * (worker-deployment.ts). A worker that took it on every start would let any short-lived worker (a
 * container tried for a minute, a laptop on the same queue) leave the deployment pointing at a
 * build nobody runs once it stops: new experiments and payments would wait for a worker forever.
 * So a worker takes the current version by FAULTLINE_BECOME_CURRENT:
 *   when-unserved (default)  when the deployment has no current version, or no worker of the
 *                            current version has polled within LIVE_POLLER_MS (90 s); checked every
 *                            WATCH_INTERVAL_MS while it runs, so it takes over once the serving
 *                            build's workers are gone (a rolling upgrade, a crash)
 *   on-start                 as soon as it polls (a deploy step; the lab's `up`), then as above
 *   never                    only `temporal worker deployment set-current-version` moves it
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NativeConnection, WorkerDeploymentOptions } from '@temporalio/worker';
import { logger } from './logger';
import { isLive, taskQueuePollers, type SeenPoller } from './task-queue-pollers';

export const CURRENT_VERSION_POLICIES = ['when-unserved', 'on-start', 'never'] as const;
export type CurrentVersionPolicy = (typeof CURRENT_VERSION_POLICIES)[number];

const WATCH_INTERVAL_MS = 10_000;

export function currentVersionPolicy(env: NodeJS.ProcessEnv = process.env): CurrentVersionPolicy {
  const value = env.FAULTLINE_BECOME_CURRENT?.trim() || 'when-unserved';
  if ((CURRENT_VERSION_POLICIES as readonly string[]).includes(value)) return value as CurrentVersionPolicy;
  throw new Error(
    `FAULTLINE_BECOME_CURRENT: "${value}" is not one of ${CURRENT_VERSION_POLICIES.join(', ')} (docs/durability.md)`,
  );
}

/** True when a worker of build `current` polled within LIVE_POLLER_MS of `nowMs`. */
export function isServed(current: string | undefined, pollers: SeenPoller[], nowMs: number): boolean {
  if (current === undefined) return false;
  return pollers.some((p) => p.buildId === current && isLive(p, nowMs));
}

type Service = NativeConnection['workflowService'];

async function currentBuild(service: Service, namespace: string, deploymentName: string) {
  try {
    const { workerDeploymentInfo } = await service.describeWorkerDeployment({ namespace, deploymentName });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || undefined;
  } catch (err) {
    if ((err as { code?: number }).code === 5) return undefined; // no such deployment yet
    throw err;
  }
}

/**
 * What the server answers until every task queue of the version has polled: NOT_FOUND (no poller
 * yet), FAILED_PRECONDITION (a queue the current version has, the shards', not polled yet).
 */
const NOT_YET = new Set([5, 9]);

/** Makes the version current, retrying NOT_YET for a minute; false when it could not. */
async function takeCurrent(
  service: Service,
  namespace: string,
  options: WorkerDeploymentOptions,
  why: string,
  stop: AbortSignal,
): Promise<boolean> {
  const { deploymentName, buildId } = options.version;
  const deadline = Date.now() + 60_000;
  while (!stop.aborted) {
    try {
      await service.setWorkerDeploymentCurrentVersion({
        namespace,
        deploymentName,
        buildId,
        identity: `${process.pid}`,
      });
      logger.info({ deployment: deploymentName, buildId, why }, 'this build is the current version');
      return true;
    } catch (err) {
      if (!NOT_YET.has((err as { code?: number }).code ?? 0) || Date.now() > deadline) {
        logger.error({ err, deployment: deploymentName, buildId }, 'could not make this build the current version');
        return false;
      }
      await sleep(500);
    }
  }
  return false;
}

/**
 * Keeps the deployment served by FAULTLINE_BECOME_CURRENT (see the opening comment) until `stop`
 * aborts. The deployment is named by the worker's task queue, so its pollers are that queue's.
 */
export async function keepDeploymentServed(
  connection: NativeConnection,
  namespace: string,
  options: WorkerDeploymentOptions | undefined,
  stop: AbortSignal,
  policy: CurrentVersionPolicy = currentVersionPolicy(),
): Promise<void> {
  if (!options || policy === 'never') return;
  const service = connection.workflowService;
  const { deploymentName, buildId } = options.version;
  if (policy === 'on-start') await takeCurrent(service, namespace, options, 'FAULTLINE_BECOME_CURRENT=on-start', stop);
  while (!stop.aborted) {
    try {
      const current = await currentBuild(service, namespace, deploymentName);
      if (
        current !== buildId &&
        !isServed(current, await taskQueuePollers(service, namespace, deploymentName), Date.now())
      )
        await takeCurrent(
          service,
          namespace,
          options,
          current ? `no worker of ${current} polls` : 'no current version',
          stop,
        );
    } catch (err) {
      logger.warn({ err, deployment: deploymentName }, 'could not tell which build serves the deployment');
    }
    await sleep(WATCH_INTERVAL_MS, undefined, { signal: stop }).catch(() => undefined);
  }
}
