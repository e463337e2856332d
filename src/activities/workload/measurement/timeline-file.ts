/**
 * A path's timeline on disk, beside its report: closed 100 ms buckets are appended as CSV lines
 * (`t,ops,errors,p50,p99,refused`; files of earlier versions have no `refused`) at every checkpoint, so the timeline never sits in memory, in a heartbeat
 * or in a workflow payload whatever the experiment's length. A resumed measurement truncates the file
 * to what its checkpoint knew (a crash can leave a half-written line) and appends from there.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TimelineBucket } from '../../../shared/workload-types';

export class TimelineFile {
  private bytes: number;

  /** Opens (creating) the file; with `truncateTo`, drops everything past that many bytes. */
  constructor(
    readonly file: string,
    truncateTo?: number,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    if (!existsSync(file)) writeFileSync(file, '');
    const size = statSync(file).size;
    if (truncateTo !== undefined && truncateTo < size) truncateSync(file, truncateTo);
    this.bytes = Math.min(size, truncateTo ?? size);
  }

  get size(): number {
    return this.bytes;
  }

  append(buckets: TimelineBucket[]): void {
    if (buckets.length === 0) return;
    const text = buckets.map((b) => `${b.t},${b.ops},${b.errors},${b.p50},${b.p99},${b.refused ?? 0}\n`).join('');
    appendFileSync(this.file, text);
    this.bytes += Buffer.byteLength(text);
  }

  /** Every bucket in the file (a half-written last line is skipped). */
  static read(file: string): TimelineBucket[] {
    if (!existsSync(file)) return [];
    const buckets: TimelineBucket[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(',').map(Number);
      if ((f.length !== 5 && f.length !== 6) || f.some((x) => !Number.isFinite(x))) continue;
      buckets.push({ t: f[0]!, ops: f[1]!, errors: f[2]!, ...(f[5] ? { refused: f[5] } : {}), p50: f[3]!, p99: f[4]! });
    }
    return buckets;
  }
}
