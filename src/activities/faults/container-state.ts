/** A container's state, waiting on it, and running it again: what every Docker action and restore uses. */
import type Docker from 'dockerode';
import { docker } from '../../platform/docker';
import { beatWaiting } from './heartbeat-marker';

export async function state(id: string): Promise<Docker.ContainerInspectInfo['State']> {
  return (await docker.getContainer(id).inspect()).State;
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    beatWaiting(what); // keeps the inject's marker, if any (heartbeat-marker.ts)
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Unpauses a paused container or starts a stopped one (idempotent); the action taken, if any. */
export async function runContainerAgain(id: string): Promise<'unpause' | 'start' | undefined> {
  const container = docker.getContainer(id);
  const current = await state(id);
  if (current.Paused) {
    await container.unpause().catch(ignoreNotModified);
    return 'unpause';
  }
  if (!current.Running) {
    await container.start().catch(ignoreNotModified);
    return 'start';
  }
  return undefined;
}

/** Docker answers 304 when the container is already in the requested state. */
export function ignoreNotModified(err: { statusCode?: number }): void {
  if (err?.statusCode === 304) return;
  throw err;
}
