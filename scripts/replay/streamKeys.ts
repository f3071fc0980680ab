/**
 * Idempotency keys seen per stream, with the append each was last seen in, for the
 * key-applied-twice rule over the whole log. One open-addressing table over typed arrays for
 * every stream: a probe compares the stream number and a 32-bit hash of the key inline and reads
 * the key text only when both match (then it compares the whole text, so the answer is exact) —
 * instead of a Map per stream whose probes touch the stored key strings.
 */
export class StreamKeys {
  /** per slot: stream number + 1 (0 = empty), key hash, append index, index into `keys` */
  private slots = new Int32Array(4 * 1024);
  private readonly keys: string[] = [];

  /**
   * The append index `key` was last recorded at in `stream` (-1 if never), and records `append`
   * as its latest.
   */
  swap(stream: number, key: string, append: number): number {
    const h = hashKey(key, stream);
    const mask = (this.slots.length >> 2) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 2;
      const s = this.slots[at]!;
      if (s === 0) {
        if ((this.keys.length + 1) * 2 > mask + 1) {
          this.grow();
          return this.swap(stream, key, append);
        }
        this.slots[at] = stream + 1;
        this.slots[at + 1] = h;
        this.slots[at + 2] = append;
        this.slots[at + 3] = this.keys.length;
        this.keys.push(key);
        return -1;
      }
      if (s === stream + 1 && this.slots[at + 1] === h && this.keys[this.slots[at + 3]!] === key) {
        const previous = this.slots[at + 2]!;
        this.slots[at + 2] = append;
        return previous;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = (this.slots.length >> 2) - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at] === 0) continue;
      let slot = old[at + 1]! & mask;
      while (this.slots[slot << 2] !== 0) slot = (slot + 1) & mask;
      const to = slot << 2;
      this.slots[to] = old[at]!;
      this.slots[to + 1] = old[at + 1]!;
      this.slots[to + 2] = old[at + 2]!;
      this.slots[to + 3] = old[at + 3]!;
    }
  }
}

/** FNV-1a over the UTF-16 code units, seeded with the stream number, finished with a mix */
function hashKey(key: string, stream: number): number {
  let h = Math.imul(0x811c9dc5 ^ stream, 0x01000193);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}
