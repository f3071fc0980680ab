/**
 * The audit's leaf order: an unbiased Fisher–Yates shuffle driven by a SHA-256 counter-mode
 * generator (docs/proof-of-reserves.md §6). Seeded from the audit secret, so the order is
 * reproducible by the operator and the auditor holding the secret, and unpredictable to users.
 */
import { sha256 } from './hashing.js';

const WORDS_PER_BLOCK = 8;
const U32_RANGE = 2 ** 32;

/** block_i = SHA-256(seed ‖ u64be(i)), i = 0, 1, …; read as consecutive big-endian u32 words. */
export class CounterDrbg {
  private counter = 0n;
  private block: Buffer = Buffer.alloc(0);
  private wordIndex = WORDS_PER_BLOCK;
  /** seed ‖ u64be(counter), rewritten in place for each block */
  private readonly blockInput: Buffer;

  constructor(seed: Buffer) {
    this.blockInput = Buffer.concat([seed, Buffer.alloc(8)]);
  }

  nextU32(): number {
    if (this.wordIndex === WORDS_PER_BLOCK) {
      this.blockInput.writeBigUInt64BE(this.counter, this.blockInput.length - 8);
      this.block = sha256(this.blockInput);
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
