/**
 * The one mechanism of every audit of acknowledged writes: each write is filed with the answer its
 * caller got and the rows the table holds for its id, in the vocabulary of `WriteAccount`.
 * Acknowledged writes not found are kept to look for again (a service that writes after it answers,
 * a replica that has not caught up); everything else is counts and at most 20 examples.
 */
import { emptyWriteAccount, type WriteAccount, type WriteAnswer } from '../../shared/write-audit-types';

const MAX_EXAMPLES = 20;
const RECHECK_MS = 1000;
/** At most this many missing writes are kept to look for again; past it, one missing is lost at once. */
const MAX_RECHECKED = 100_000;

export class WriteAccountant {
  private readonly a: WriteAccount;
  private missing: string[] = [];
  /** Missing past MAX_RECHECKED: lost without a second look. */
  private lostUnchecked = 0;

  constructor(counts: { unaudited?: number; incompleteSegments?: number } = {}) {
    this.a = {
      ...emptyWriteAccount(),
      unaudited: counts.unaudited ?? 0,
      incompleteSegments: counts.incompleteSegments ?? 0,
    };
  }

  get audited(): number {
    return this.a.audited;
  }

  note(id: string, what: string): void {
    if (this.a.examples.length < MAX_EXAMPLES) this.a.examples.push(`${id}: ${what}`);
  }

  private copies(id: string, rows: number, told: string): void {
    if (rows <= 1) return;
    this.a.duplicated++;
    this.note(id, `${told}, ${rows} rows`);
  }

  /** Files one write: the answer its caller got, and how many rows the table holds for it. */
  file(id: string, answer: WriteAnswer, rows: number): void {
    const a = this.a;
    a.audited++;
    if (answer === 'acknowledged') {
      a.acknowledged++;
      if (rows === 0 && this.missing.length < MAX_RECHECKED) this.missing.push(id);
      else if (rows === 0) this.lostUnchecked++;
      this.copies(id, rows, 'acknowledged');
    } else if (answer === 'unknown') {
      a.unknown.count++;
      if (rows > 0) a.unknown.written++;
      else a.unknown.absent++;
      this.copies(id, rows, 'no answer');
    } else if (rows > 0) {
      if (answer === 'refused') a.writtenDespiteRefusal++;
      else a.writtenDespiteFailure++;
      this.note(id, `${answer}, and written`);
      this.copies(id, rows, answer);
    }
    if (answer === 'refused') a.refused++;
    if (answer === 'failed') a.failed++;
  }

  /** Looks for the acknowledged writes not found yet again, every second until `settleMs` is up (at least once). */
  async settle(settleMs: number, rowsOf: (id: string) => Promise<number>): Promise<void> {
    const deadline = Date.now() + settleMs;
    for (let first = true; this.missing.length > 0 && (first || Date.now() < deadline); first = false) {
      await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
      const still: string[] = [];
      for (const id of this.missing) {
        const rows = await rowsOf(id);
        if (rows === 0) still.push(id);
        else this.copies(id, rows, 'acknowledged');
      }
      this.missing = still;
    }
  }

  /** The acknowledged writes still not found (the first MAX_RECHECKED of them): lost, once settled. */
  get lostIds(): readonly string[] {
    return this.missing;
  }

  /** The account: acknowledged writes still not found are lost. */
  account(): WriteAccount {
    const a = { ...this.a, unknown: { ...this.a.unknown }, examples: [...this.a.examples] };
    a.lost = this.missing.length + this.lostUnchecked;
    a.found = a.acknowledged - a.lost;
    for (const id of this.missing)
      if (a.examples.length < MAX_EXAMPLES) a.examples.push(`${id}: acknowledged, not in the table (lost)`);
    return a;
  }
}
