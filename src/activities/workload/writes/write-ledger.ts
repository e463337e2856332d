/**
 * The ledger of one segment's audited business writes (write-ids.ts): one byte per write, its kind
 * and its caller's answer, in memory (bounded: at most MAX_WRITES bytes) and in a file beside the
 * report, brought up to date at every checkpoint. The heartbeat carries only the file's name and
 * how much of it is current, so a worker lost mid-run leaves a ledger the audit can read, whatever
 * the length of the run; a write still in flight there has its kind and no answer (unknown).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { WriteAnswer } from '../../../shared/write-audit-types';
import { ByteLedger } from '../measurement/byte-ledger';
import { WriteMarks } from './write-marks';
import { WRITE_KINDS, type WriteKind } from '../../../shared/business-write-audit-types';

/** Past this many writes a segment audits no more (counted as unaudited). */
export const MAX_WRITES = 4_000_000;

const ANSWERS = ['acknowledged', 'refused', 'failed', 'unknown'] as const satisfies readonly WriteAnswer[];

/** A byte: the kind (1-3) in the high bits, the answer (1-4; 0: in flight) in the low three. */
export const encodeWrite = (kind: WriteKind, answer?: WriteAnswer): number =>
  ((WRITE_KINDS.indexOf(kind) + 1) << 3) | (answer ? ANSWERS.indexOf(answer) + 1 : 0);

/** A byte's kind and answer; a write in flight when its ledger was last written has none (unknown). */
export function decodeWrite(code: number): { kind: WriteKind | undefined; answer: WriteAnswer } {
  return { kind: WRITE_KINDS[(code >> 3) - 1], answer: ANSWERS[(code & 7) - 1] ?? 'unknown' };
}

/** What a heartbeat and the ledger index hold of a segment. */
export interface WriteSegmentRef {
  prefix: string;
  file: string;
  /** When the ledger reached which length (write-marks.ts): when each write was made, to 500 ms. */
  marks?: string;
  /** How many writes the file holds. */
  length: number;
  /** The segment's measurement ended (not lost with its worker): every write in it has its answer. */
  complete: boolean;
  /** Writes past the ledger's capacity, not audited. */
  unaudited?: number;
}

export class WriteLedger extends ByteLedger {
  private dirtyFrom = 0;
  private readonly fd: number;
  private readonly marks: WriteMarks;

  constructor(
    readonly prefix: string,
    readonly file: string,
  ) {
    super(MAX_WRITES);
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
    this.marks = new WriteMarks(`${file}.marks`);
  }

  /** A write about to go out: its number, or undefined when the ledger is full (counted as unaudited). */
  start(kind: WriteKind): number | undefined {
    const seq = this.next();
    if (seq !== undefined) this.codes[seq] = encodeWrite(kind);
    return seq;
  }

  end(seq: number, answer: WriteAnswer): void {
    this.codes[seq] = (this.codes[seq]! & ~7) | (ANSWERS.indexOf(answer) + 1);
    if (seq < this.dirtyFrom) this.dirtyFrom = seq;
  }

  /** Writes what changed since the last flush; returns the segment as it now stands in its file. */
  flush(complete = false): WriteSegmentRef {
    const to = this.length;
    if (to > this.dirtyFrom) writeSync(this.fd, this.codes, this.dirtyFrom, to - this.dirtyFrom, this.dirtyFrom);
    this.dirtyFrom = to;
    this.marks.mark(Date.now(), to);
    return {
      prefix: this.prefix,
      file: this.file,
      marks: this.marks.file,
      length: to,
      complete,
      ...(this.unaudited ? { unaudited: this.unaudited } : {}),
    };
  }

  /** The last flush, marked complete; the file is closed. */
  close(): WriteSegmentRef {
    const ref = this.flush(true);
    closeSync(this.fd);
    this.marks.close();
    return ref;
  }
}
