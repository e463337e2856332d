/**
 * The lab comes with the checkout: docker-compose.yml, lab/ (its images' files) and
 * scripts/provision.sh (the temporal CLI, moto, the images), beside a writable .lab/. An installed
 * package (`npm pack`, `npm install -g`) holds the CLI, the worker and init.sql, not these: there,
 * `up`, `down`, `run` or `start` on the lab's dev server and `doctor`'s lab checks refuse, saying
 * where the lab is, rather than provisioning into a global prefix.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './settings';

/** What the lab needs beside the code, relative to the project folder. */
export const LAB_FILES = ['docker-compose.yml', 'lab', 'scripts/provision.sh'] as const;

/** The lab's files missing from `root` (none in a checkout). */
export function missingLabFiles(root: string = PROJECT_ROOT): string[] {
  return LAB_FILES.filter((file) => !existsSync(path.join(root, file)));
}

/** A lab command run where the lab is not (an installed package): exit 2, as a usage error. */
export class NoLabHereError extends Error {
  readonly exitCode = 2;
  constructor(missing: string[], root: string = PROJECT_ROOT) {
    super(noLabHereMessage(missing, root));
    this.name = 'NoLabHereError';
  }
}

export function noLabHereMessage(missing: string[], root: string = PROJECT_ROOT): string {
  return (
    `the lab comes with the checkout, not with this installed package (${root} has no ${missing.join(', ')}): ` +
    "git clone <faultline's repository> faultline && cd faultline && bin/faultline up; " +
    'or point faultline at your own Temporal (TEMPORAL_ADDRESS or a profile: docs/temporal.md) and run `faultline worker` there'
  );
}

/** Throws NoLabHereError unless the lab's files are here. */
export function requireLabFiles(root: string = PROJECT_ROOT): void {
  const missing = missingLabFiles(root);
  if (missing.length > 0) throw new NoLabHereError(missing, root);
}

/** Whether this is a checkout (the lab's files are here), not an installed package. */
export const isCheckout = (root: string = PROJECT_ROOT): boolean => missingLabFiles(root).length === 0;
