import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file under a folder, subfolders included (a report directory has them). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}
