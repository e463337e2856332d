/**
 * One byte per entry, in bounded memory: what a workload told each of its callers, by sequence
 * number (payment-ledger.ts, http-ledger.ts). It grows by doubling up to its capacity, and is kept
 * run-length encoded in checkpoints and files.
 */
export class ByteLedger {
  protected codes = new Uint8Array(1024);
  length = 0;
  /** Entries refused because the ledger was full (not audited). */
  unaudited = 0;

  constructor(private readonly capacity: number) {}

  /** Reserves the next sequence number, or undefined (counted in `unaudited`) when the ledger is full. */
  next(): number | undefined {
    if (this.length >= this.capacity) {
      this.unaudited++;
      return undefined;
    }
    if (this.length === this.codes.length) {
      const grown = new Uint8Array(Math.min(this.capacity, this.codes.length * 2));
      grown.set(this.codes);
      this.codes = grown;
    }
    return this.length++;
  }

  /** Run-length encoded: [code, count] pairs. */
  encode(): Array<[number, number]> {
    const runs: Array<[number, number]> = [];
    for (let i = 0; i < this.length; i++) {
      const code = this.codes[i]!;
      const last = runs[runs.length - 1];
      if (last && last[0] === code) last[1]++;
      else runs.push([code, 1]);
    }
    return runs;
  }
}

/** Each sequence number of run-length encoded codes, with its code. */
export function* decodeRuns(runs: Array<[number, number]>): Generator<{ seq: number; code: number }> {
  let seq = 0;
  for (const [code, count] of runs) for (let i = 0; i < count; i++) yield { seq: seq++, code };
}
