/**
 * One attempt of `measurePath` and its audited writes: a new segment's ledger, after the segments of
 * this run's earlier attempts (from the heartbeat, which carries this run's only) and of earlier runs
 * (the previous run's ledger index, in a run that continued as new). At the end, the index of every
 * segment goes beside the final checkpoint, for the audit.
 */
import { existsSync } from 'node:fs';
import { WriteLedger, type WriteSegmentRef } from './write-ledger';
import { readWriteIndex, segmentFileOf, writeIndexOf, writeWriteIndex } from './write-ledger-index';
import { writeSegmentPrefix } from './write-ids';

export interface PathWriteLedger {
  ledger: WriteLedger;
  /** This run's segments as their files stand now (the heartbeat's). */
  thisRun(): WriteSegmentRef[];
  /** Closes the ledger and writes the index of every segment; returns the index file. */
  finish(): string;
  /** Closes the ledger's file (after a failure: the heartbeat keeps what it held). */
  close(): void;
}

export function openPathWriteLedger(p: {
  workflowId: string;
  runId: string;
  connection: string;
  shard?: number;
  attempt: number;
  checkpointFile: string;
  earlierAttempts?: WriteSegmentRef[];
  continueFrom?: string;
}): PathWriteLedger {
  const prefix = writeSegmentPrefix(p);
  const ledger = new WriteLedger(prefix, segmentFileOf(p.checkpointFile, p.attempt));
  const attempts = p.earlierAttempts ?? [];
  const previousIndex = p.continueFrom ? writeIndexOf(p.continueFrom) : undefined;
  const runs = previousIndex && existsSync(previousIndex) ? readWriteIndex(previousIndex) : [];
  let closed: WriteSegmentRef | undefined;
  const close = () => (closed ??= ledger.close());
  return {
    ledger,
    thisRun: () => [...attempts, closed ?? ledger.flush()],
    finish: () => writeWriteIndex(writeIndexOf(p.checkpointFile), [...runs, ...attempts, close()]),
    close: () => void close(),
  };
}
