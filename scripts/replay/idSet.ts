/**
 * The set of event ids a replay has seen, for the duplicate-id rule over the whole log. Event ids
 * are UUIDs: one in its lowercase canonical text (8-4-4-4-12 hex) is kept as its 128 bits in an
 * open-addressing table of typed arrays — no string kept alive per event, nothing for the garbage
 * collector to trace, no key string to touch on a probe. The text ↔ bits map is one-to-one on that
 * form, so membership is exact; any other id (uppercase, braces, not a UUID) goes to a plain Set
 * of strings, and the two never hold the same text.
 */
export class EventIdSet {
  /** 4 words per slot; a slot is empty while its `used` flag is 0 */
  private words = new Int32Array(4 * 1024);
  private used = new Uint8Array(1024);
  private count = 0;
  private readonly others = new Set<string>();
  private readonly w = new Int32Array(4);

  get size(): number {
    return this.count + this.others.size;
  }

  /** Adds the id; false when it was there already. */
  add(id: string): boolean {
    if (!uuidWords(id, this.w)) {
      const before = this.others.size;
      this.others.add(id);
      return this.others.size !== before;
    }
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    return this.insert(this.w[0]!, this.w[1]!, this.w[2]!, this.w[3]!);
  }

  private insert(a: number, b: number, c: number, d: number): boolean {
    const mask = this.used.length - 1;
    // v5 / v4 UUIDs are random already; the mix keeps sequential test ids spread too
    let slot = mixHash(a, b, c, d) & mask;
    for (;;) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1;
        const at = slot * 4;
        this.words[at] = a;
        this.words[at + 1] = b;
        this.words[at + 2] = c;
        this.words[at + 3] = d;
        this.count++;
        return true;
      }
      const at = slot * 4;
      if (this.words[at] === a && this.words[at + 1] === b && this.words[at + 2] === c && this.words[at + 3] === d) return false;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldWords = this.words;
    const oldUsed = this.used;
    this.words = new Int32Array(oldWords.length * 2);
    this.used = new Uint8Array(oldUsed.length * 2);
    this.count = 0;
    for (let slot = 0; slot < oldUsed.length; slot++) {
      if (oldUsed[slot] === 0) continue;
      const at = slot * 4;
      this.insert(oldWords[at]!, oldWords[at + 1]!, oldWords[at + 2]!, oldWords[at + 3]!);
    }
  }
}

function mixHash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ c ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ d ^ (h >>> 16), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** value of a lowercase hex digit by char code, -1 for anything else */
const HEX = new Int8Array(128).fill(-1);
for (let c = 48; c <= 57; c++) HEX[c] = c - 48;
for (let c = 97; c <= 102; c++) HEX[c] = c - 87;

/** n hex digits from `at` as an unsigned number, -1 when one is not a lowercase hex digit */
function hexAt(id: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = id.charCodeAt(i);
    const x = c < 128 ? HEX[c]! : -1;
    if (x < 0) return -1;
    v = v * 16 + x;
  }
  return v;
}

/** The 128 bits of a lowercase canonical UUID text (8-4-4-4-12) into `out`; false for any other text. */
export function uuidWords(id: string, out: Int32Array): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false;
  const a = hexAt(id, 0, 8);
  const b1 = hexAt(id, 9, 4);
  const b2 = hexAt(id, 14, 4);
  const c1 = hexAt(id, 19, 4);
  const c2 = hexAt(id, 24, 4);
  const d = hexAt(id, 28, 8);
  if (a < 0 || b1 < 0 || b2 < 0 || c1 < 0 || c2 < 0 || d < 0) return false;
  out[0] = a; // Int32Array stores the low 32 bits: one-to-one on 0 … 2^32 − 1
  out[1] = b1 * 65536 + b2;
  out[2] = c1 * 65536 + c2;
  out[3] = d;
  return true;
}
