/** The Docker engine this process talks to (dockerode, over /var/run/docker.sock or DOCKER_HOST). */
import Docker from 'dockerode';

export const docker = new Docker();

export const DOCKER_FIX = 'run `bash scripts/provision.sh` (installs Docker and starts dockerd)';

/** Where this process reaches Docker, for people: DOCKER_HOST, else the default socket. */
export const dockerEndpoint = (): string =>
  process.env.DOCKER_HOST ? `DOCKER_HOST ${process.env.DOCKER_HOST}` : 'no answer at /var/run/docker.sock';

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
