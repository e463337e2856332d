/**
 * `mergePathShards`: a path measured in shards (`workload.shards`) becomes one path again. Reads
 * each shard's final checkpoint and timeline, merges them (measurement/merge-shards.ts) and writes the path's
 * own checkpoint and timeline files, which the report reads as it reads an unsharded path's.
 */
import { activityInfo } from '@temporalio/activity';
import type { PathMeasurementSummary } from '../../shared/measurement-types';
import { mergeCheckpoints, mergeTimelines } from './measurement/merge-shards';
import { pathFiles, readCheckpointFile, summarise, writeCheckpointFile } from './measurement/measure-path-files';
import { TimelineFile } from './measurement/timeline-file';

export interface MergePathShardsInput {
  reportDirectory: string;
  shards: PathMeasurementSummary[];
}

export async function mergePathShards(input: MergePathShardsInput): Promise<PathMeasurementSummary> {
  const shards = [...input.shards].sort((a, b) => (a.shard?.index ?? 0) - (b.shard?.index ?? 0));
  const checkpoints = shards.map((s) => readCheckpointFile(s.checkpointFile));
  // Each shard's share of the path's clients, by the workers its engine ran (equal shares if not recorded).
  const workers = shards.map((s) => s.measuredWith?.workers);
  const total = workers.every((w) => w !== undefined) ? workers.reduce((n, w) => n + w!, 0) : 0;
  const merged = mergeCheckpoints(checkpoints, total > 0 ? workers.map((w) => w! / total) : undefined);
  const { workflowId, runId } = activityInfo().workflowExecution!;
  const files = pathFiles(input.reportDirectory, workflowId, merged.connection, runId.slice(0, 8));
  const buckets = mergeTimelines(
    checkpoints.map((cp) => (cp.timeline.file ? TimelineFile.read(cp.timeline.file) : [])),
  );
  const timeline = new TimelineFile(files.timeline, 0); // emptied: a retry writes it whole again
  timeline.append(buckets);
  merged.timeline = { bucketMs: checkpoints[0]!.timeline.bucketMs, file: files.timeline, bytes: timeline.size };
  writeCheckpointFile(files.checkpoint, merged);
  return { ...summarise(merged, files.checkpoint), shards };
}
