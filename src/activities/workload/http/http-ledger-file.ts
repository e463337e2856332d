/** The audited request's ledger beside its path's final checkpoint (`<path>.<run>.ledger.json`). */
import type { HttpLedgerSegment } from './http-ledger';
import { readJsonFile, writeJsonFile } from '../measurement/json-file';

export const ledgerFileOf = (checkpointFile: string): string =>
  checkpointFile.replace(/\.checkpoint\.json$/, '.ledger.json');

/** Writes the segments (whole, or not at all); returns the file. */
export const writeLedgerFile = (file: string, segments: HttpLedgerSegment[]): string =>
  writeJsonFile(file, { version: 1, segments });

export const readLedgerFile = (file: string): HttpLedgerSegment[] =>
  readJsonFile<{ segments: HttpLedgerSegment[] }>(file).segments;
