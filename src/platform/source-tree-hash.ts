/** The sources a worker run from this checkout executes (src/), fed to a hash: names relative to the checkout, contents. */
import type { Hash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './settings';

export function hashSourceTree(hash: Hash, dir: string = path.join(PROJECT_ROOT, 'src')): Hash {
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) hashSourceTree(hash, full);
    else hash.update(path.relative(PROJECT_ROOT, full)).update(readFileSync(full));
  }
  return hash;
}
