/**
 * Where an experiment's files go: `<reports root>/<report.directory>/<experiment id>/`. The root is
 * the worker's (FAULTLINE_REPORTS_DIR, default the project folder, or the worker's current folder when it
 * runs from an installed package); a definition's directory is a
 * relative path inside it, and an experiment id becomes one safe folder name. Nothing resolves outside
 * the root, whatever a definition or a workflow id says, nor through a symbolic link: the folder's
 * deepest existing ancestor, links followed, must be inside the root, links followed.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { PROJECT_ROOT } from '../../platform/settings';
import { isCheckout } from '../../platform/checkout';

/** FAULTLINE_REPORTS_DIR, else the checkout, else (an installed package) the worker's current folder. */
export function reportsRoot(): string {
  return path.resolve(process.env.FAULTLINE_REPORTS_DIR || (isCheckout() ? PROJECT_ROOT : process.cwd()));
}

/** One folder name from a workflow id: letters, digits, `.`, `_`, `-`; never `.` or `..`. */
export function safeFolderName(id: string): string {
  const name = id.replace(/[^\w.-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  return name || '_';
}

/** `p` with symbolic links followed: the real path of its deepest existing ancestor, then the rest. */
function realPathOf(p: string): string {
  const rest: string[] = [];
  for (let existing = p; ; existing = path.dirname(existing)) {
    try {
      return path.join(realpathSync(existing), ...rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(existing) === existing) throw err;
      rest.unshift(path.basename(existing));
    }
  }
}

const inside = (root: string, p: string) => p === root || p.startsWith(`${root}${path.sep}`);

const outsideRoot = (message: string) => ApplicationFailure.nonRetryable(message, 'InvalidExperiment');

export function experimentDirectory(directory: string, experimentId: string): string {
  const root = reportsRoot();
  const base = path.resolve(root, directory);
  if (path.isAbsolute(directory) || !inside(root, base))
    throw outsideRoot(`report.directory "${directory}" is outside the reports root ${root}`);
  const folder = path.join(base, safeFolderName(experimentId));
  const real = realPathOf(folder);
  if (!inside(realPathOf(root), real))
    throw outsideRoot(
      `report.directory "${directory}" leads outside the reports root ${root} through a symbolic link (to ${real})`,
    );
  return folder;
}
