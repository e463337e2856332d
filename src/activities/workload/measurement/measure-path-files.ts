/** Where a path's measurement is kept beside its report, and the summary the workflow gets of it. */
import { readJsonFile, writeJsonFile } from './json-file';
import path from 'node:path';
import type { PathMeasurementSummary } from '../../../shared/measurement-types';
import { experimentDirectory } from '../../report/report-paths';
import type { MeasurementCheckpoint } from './measurement-checkpoint';

/**
 * A path's files: one timeline, and a final checkpoint per run (`run`: the run id's first
 * characters); a shard's carry its number (`direct.shard-1.…`), the merge's are the path's own.
 */
export function pathFiles(
  reportDirectory: string,
  experimentId: string,
  connection: string,
  run: string,
  shard?: number,
): { checkpoint: string; timeline: string } {
  const dir = path.join(experimentDirectory(reportDirectory, experimentId), 'paths');
  const name = shard === undefined ? connection : `${connection}.shard-${shard}`;
  return {
    checkpoint: path.join(dir, `${name}.${run}.checkpoint.json`),
    timeline: path.join(dir, `${name}.timeline.csv`),
  };
}

export function writeCheckpointFile(file: string, checkpoint: MeasurementCheckpoint): void {
  writeJsonFile(file, checkpoint);
}

export const readCheckpointFile = (file: string): MeasurementCheckpoint => readJsonFile<MeasurementCheckpoint>(file);

export function summarise(cp: MeasurementCheckpoint, checkpointFile: string): PathMeasurementSummary {
  const windows = cp.availability.windows;
  const endedAt = cp.end?.endedAt ?? cp.at;
  const open = windows.find((w) => w.end === null);
  const closedMs = windows.reduce((sum, w) => sum + ((w.end ?? endedAt) - w.start), 0) + cp.availability.folded.totalMs;
  return {
    connection: cp.connection,
    checkpointFile,
    attempts: cp.counters.attempts,
    failures: cp.counters.failures,
    downtimeMs: Math.round(closedMs),
    openAtEnd: open !== undefined,
    openSince: open ? new Date(open.start).toISOString() : null,
    gaps: cp.gaps,
    stoppedBy: cp.end?.stoppedBy ?? 'cancelled',
  };
}
