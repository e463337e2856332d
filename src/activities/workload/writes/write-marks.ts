/**
 * When a segment's write ledger reached which length: a record (the time, ms since the epoch, as a
 * float64; the length, as a uint32) each time it grew, at most one per flush (500 ms). A write
 * numbered n was made between the last mark whose length is at most n and the first above it, so a
 * recovery point (the writes lost) has a time span, to half a second, in 24 bytes a second.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';

const RECORD = 12;

export class WriteMarks {
  private readonly fd: number;
  private last = -1;
  private readonly record = Buffer.alloc(RECORD);

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  mark(at: number, length: number): void {
    if (length === this.last) return;
    this.last = length;
    this.record.writeDoubleLE(at, 0);
    this.record.writeUInt32LE(length, 8);
    writeSync(this.fd, this.record);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A segment's marks, to place its writes in time. */
export class WriteTimes {
  private constructor(
    private readonly at: Float64Array,
    private readonly length: Uint32Array,
  ) {}

  static read(file: string | undefined): WriteTimes | undefined {
    if (!file || !existsSync(file)) return undefined;
    const bytes = readFileSync(file);
    const n = Math.floor(bytes.length / RECORD);
    const at = new Float64Array(n);
    const length = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      at[i] = bytes.readDoubleLE(i * RECORD);
      length[i] = bytes.readUInt32LE(i * RECORD + 8);
    }
    return new WriteTimes(at, length);
  }

  /** When write `seq` was made: after the mark before it (or the segment's start: undefined), by the first mark past it. */
  of(seq: number): { after: number | undefined; by: number | undefined } {
    let lo = 0;
    let hi = this.length.length; // the first mark whose length is above seq
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.length[mid]! > seq) hi = mid;
      else lo = mid + 1;
    }
    return { after: lo > 0 ? this.at[lo - 1] : undefined, by: lo < this.at.length ? this.at[lo] : undefined };
  }
}
