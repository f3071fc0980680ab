/**
 * The audit's leaf order: an unbiased Fisher–Yates shuffle driven by a SHA-256 counter-mode
 * generator (docs/proof-of-reserves.md §6). Seeded from the audit secret, so the order is
 * reproducible by the operator and the auditor holding the secret, and unpredictable to users.
 */
import { createHash } from 'node:crypto';

const WORDS_PER_BLOCK = 8;
const U32_RANGE = 2 ** 32;

/** block_i = SHA-256(seed ‖ u64be(i)), i = 0, 1, …; read as consecutive big-endian u32 words. */
export class CounterDrbg {
  private counter = 0n;
  private block = Buffer.alloc(0);
  private wordIndex = WORDS_PER_BLOCK;
  private readonly counterBytes = Buffer.alloc(8);

  constructor(private readonly seed: Buffer) {}

  nextU32(): number {
    if (this.wordIndex === WORDS_PER_BLOCK) {
      this.counterBytes.writeBigUInt64BE(this.counter);
      this.block = createHash('sha256').update(this.seed).update(this.counterBytes).digest();
      this.counter += 1n;
      this.wordIndex = 0;
    }
    const word = this.block.readUInt32BE(this.wordIndex * 4);
    this.wordIndex += 1;
    return word;
  }

  /**
   * Uniform integer in [0, bound), 1 ≤ bound ≤ 2^32: words at or above the largest multiple of
   * `bound` are rejected and redrawn, so `word mod bound` has no modulo bias.
   */
  nextBelow(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > U32_RANGE) throw new RangeError(`bound ${bound} outside 1..2^32`);
    const limit = U32_RANGE - (U32_RANGE % bound);
    for (;;) {
      const word = this.nextU32();
      if (word < limit) return word % bound;
    }
  }
}

/** In place: for i = n−1 down to 1, j = nextBelow(i + 1), swap items i and j. */
export function fisherYates<T>(items: T[], drbg: CounterDrbg): T[] {
  for (let i = items.length - 1; i >= 1; i -= 1) {
    const j = drbg.nextBelow(i + 1);
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  }
  return items;
}
