/**
 * Successes in completion order, keeping only those whose start is later than every earlier one's:
 * for a start `s`, the first entry starting at or after `s` is the earliest completion of any success
 * that started at or after `s` (an entry dropped for starting earlier than its predecessor could never
 * be that one). Both starts and ends are increasing, so a lookup is a binary search.
 */
export class SuccessLog {
  private starts = new Float64Array(256);
  private ends = new Float64Array(256);
  private head = 0;
  private tail = 0;

  push(start: number, end: number): void {
    if (this.tail > this.head && start <= this.starts[this.tail - 1]!) return;
    if (this.tail === this.starts.length) this.grow();
    this.starts[this.tail] = start;
    this.ends[this.tail] = end;
    this.tail++;
  }

  /** Earliest completion among remembered successes that started at or after `start`. */
  earliestEndFrom(start: number): number | undefined {
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! >= start) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.tail ? this.ends[lo] : undefined;
  }

  forgetEndedBefore(at: number): void {
    while (this.head < this.tail && this.ends[this.head]! < at) this.head++;
  }

  private grow(): void {
    const live = this.tail - this.head;
    const size = live * 2 > this.starts.length ? this.starts.length * 2 : this.starts.length;
    const starts = new Float64Array(size);
    const ends = new Float64Array(size);
    starts.set(this.starts.subarray(this.head, this.tail));
    ends.set(this.ends.subarray(this.head, this.tail));
    this.starts = starts;
    this.ends = ends;
    this.head = 0;
    this.tail = live;
  }
}
