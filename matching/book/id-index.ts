/**
 * order id → node index, open addressing with linear probing in two typed arrays (no per-entry
 * objects, no tombstones: deletion shifts the following run back). Load factor ≤ 1/2, so memory is
 * proportional to the entries (≤ 4 slots × 12 bytes per entry right after a doubling).
 * Keys are non-negative safe integers (the book validates them).
 */
const EMPTY = -1;

export class OrderIdIndex {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  /** Fibonacci hashing takes the top bits of the product: shift = 32 − log2(capacity) */
  private shift: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
  }

  size(): number { return this.count; }

  /** the node of id, or -1 */
  get(id: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let slot = this.home(id);
    for (;;) {
      const v = values[slot]!;
      if (v === EMPTY || keys[slot] === id) return v;
      slot = (slot + 1) & mask;
    }
  }

  /** caller guarantees id is absent */
  insert(id: number, node: number): void {
    if ((this.count + 1) * 2 > this.values.length) this.grow();
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let slot = this.home(id);
    while (values[slot] !== EMPTY) slot = (slot + 1) & mask;
    keys[slot] = id;
    values[slot] = node;
    this.count++;
  }

  /** removes id and returns its node, or -1 when absent */
  remove(id: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let slot = this.home(id);
    for (;;) {
      const v = values[slot]!;
      if (v === EMPTY) return EMPTY;
      if (keys[slot] === id) break;
      slot = (slot + 1) & mask;
    }
    const node = values[slot]!;
    // backward-shift deletion: pull back every later entry of the run whose home is not in (hole, j]
    let hole = slot;
    let j = slot;
    for (;;) {
      j = (j + 1) & mask;
      if (values[j] === EMPTY) break;
      const h = this.home(keys[j]!);
      const stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (stays) continue;
      keys[hole] = keys[j]!;
      values[hole] = values[j]!;
      hole = j;
    }
    values[hole] = EMPTY;
    this.count--;
    return node;
  }

  private home(id: number): number {
    // fold the high word in so ids above 2^32 still spread
    const lo = id >>> 0;
    const hi = (id / 4294967296) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldValues.length * 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.count = 0;
    for (let i = 0; i < oldValues.length; i++) {
      if (oldValues[i] !== EMPTY) this.insert(oldKeys[i]!, oldValues[i]!);
    }
  }
}
