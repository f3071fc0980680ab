/**
 * Global byte offset of every record, by record index: 8 bytes per event, sorted by construction,
 * so `$all` reads from a position start with a binary search instead of a scan.
 */
export class OffsetList {
  private data = new Float64Array(1024);
  length = 0;

  push(offset: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = offset;
  }

  get(index: number): number {
    if (index < 0 || index >= this.length) throw new RangeError(`record index ${index} outside 0..${this.length - 1}`);
    return this.data[index]!;
  }

  /** First index whose offset is >= `offset` (length when none). */
  lowerBound(offset: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
