/**
 * Where an experiment's files go: `<reports root>/<report.directory>/<experiment id>/`. The root is
 * the worker's (FAULTLINE_REPORTS_DIR, default the project folder); a definition's directory is a
 * relative path inside it, and an experiment id becomes one safe folder name. Nothing resolves outside
 * the root, whatever a definition or a workflow id says.
 */
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { PROJECT_ROOT } from '../../platform/settings';

export function reportsRoot(): string {
  return path.resolve(process.env.FAULTLINE_REPORTS_DIR || PROJECT_ROOT);
}

/** One folder name from a workflow id: letters, digits, `.`, `_`, `-`; never `.` or `..`. */
export function safeFolderName(id: string): string {
  const name = id.replace(/[^\w.-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  return name || '_';
}

export function experimentDirectory(directory: string, experimentId: string): string {
  const root = reportsRoot();
  const base = path.resolve(root, directory);
  if (path.isAbsolute(directory) || (base !== root && !base.startsWith(`${root}${path.sep}`))) {
    throw ApplicationFailure.nonRetryable(
      `report.directory "${directory}" is outside the reports root ${root}`,
      'InvalidExperiment',
    );
  }
  return path.join(base, safeFolderName(experimentId));
}
