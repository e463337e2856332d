/** The audited request's ledger beside its path's final checkpoint (`<path>.<run>.ledger.json`). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpLedgerSegment } from './http-ledger';

export const ledgerFileOf = (checkpointFile: string): string =>
  checkpointFile.replace(/\.checkpoint\.json$/, '.ledger.json');

/** Writes the segments (whole, or not at all: through a temporary file); returns the file. */
export function writeLedgerFile(file: string, segments: HttpLedgerSegment[]): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ version: 1, segments }));
  renameSync(`${file}.tmp`, file);
  return file;
}

export function readLedgerFile(file: string): HttpLedgerSegment[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { segments: HttpLedgerSegment[] }).segments;
}
