/** A measurement's JSON files beside the report: written whole or not at all (through a temporary file). */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeJsonFile(file: string, value: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(value));
  renameSync(`${file}.tmp`, file);
  return file;
}

export const readJsonFile = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
