/**
 * A path's (or shard's) ledger index beside its final checkpoint (`<path>.<run>.writes.json`): the
 * segments of every run and attempt of its measurement, each a file of one byte per write.
 */
import type { WriteSegmentRef } from './write-ledger';
import { readJsonFile, writeJsonFile } from '../measurement/json-file';

export const writeIndexOf = (checkpointFile: string): string =>
  checkpointFile.replace(/\.checkpoint\.json$/, '.writes.json');

/** A segment's ledger file: `<path>[.shard-k].<run>.a<attempt>.writes`. */
export const segmentFileOf = (checkpointFile: string, attempt: number): string =>
  checkpointFile.replace(/\.checkpoint\.json$/, `.a${attempt}.writes`);

/** Writes the index (whole, or not at all); returns the file. */
export const writeWriteIndex = (file: string, segments: WriteSegmentRef[]): string =>
  writeJsonFile(file, { version: 1, segments });

export const readWriteIndex = (file: string): WriteSegmentRef[] =>
  readJsonFile<{ segments: WriteSegmentRef[] }>(file).segments;
