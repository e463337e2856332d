/** The Docker engine this process talks to (dockerode, over /var/run/docker.sock or DOCKER_HOST). */
import Docker from 'dockerode';

export const docker = new Docker();

export const DOCKER_FIX = 'run `bash scripts/provision.sh` (installs Docker and starts dockerd)';

export async function dockerIsUp(): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

export async function requireDocker(): Promise<void> {
  if (!(await dockerIsUp())) {
    throw new Error(`Docker engine is not reachable at /var/run/docker.sock: ${DOCKER_FIX}`);
  }
}
