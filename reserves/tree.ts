/**
 * The Merkle-sum tree over leaves already in their final (shuffled, padded) order.
 * levels[0] are the leaves, levels[depth] holds the root.
 */
import { nodeHash } from './hashing.js';
import { SUM_LIMIT } from './method.js';

export interface TreeLevel {
  readonly hashes: Buffer[];
  /** per node, per asset, in minor units */
  readonly sums: bigint[][];
}

export interface MerkleSumTree {
  readonly depth: number;
  readonly levels: readonly TreeLevel[];
}

/** Σ of two children per asset; a sum at or above 2^128 is an invariant breach, never wrapped. */
export function addSums(left: readonly bigint[], right: readonly bigint[]): bigint[] {
  const out = new Array<bigint>(left.length);
  for (let a = 0; a < left.length; a += 1) {
    const sum = left[a]! + right[a]!;
    if (sum >= SUM_LIMIT) throw new RangeError('node sum reached 2^128');
    out[a] = sum;
  }
  return out;
}

/** `leaves` must have a power-of-two length ≥ 1. */
export function buildMerkleSumTree(leaves: TreeLevel): MerkleSumTree {
  const count = leaves.hashes.length;
  if (count < 1 || (count & (count - 1)) !== 0) throw new RangeError(`leaf count ${count} is not a power of two`);
  const levels: TreeLevel[] = [leaves];
  let current = leaves;
  while (current.hashes.length > 1) {
    const width = current.hashes.length / 2;
    const next: TreeLevel = { hashes: new Array<Buffer>(width), sums: new Array<bigint[]>(width) };
    for (let i = 0; i < width; i += 1) {
      const l = 2 * i;
      const r = l + 1;
      next.hashes[i] = nodeHash(current.hashes[l]!, current.sums[l]!, current.hashes[r]!, current.sums[r]!);
      next.sums[i] = addSums(current.sums[l]!, current.sums[r]!);
    }
    levels.push(next);
    current = next;
  }
  return { depth: levels.length - 1, levels };
}

/** Smallest depth d with 2^d ≥ count (0 for 0 or 1 leaves). */
export function depthFor(count: number): number {
  let depth = 0;
  while (2 ** depth < count) depth += 1;
  return depth;
}
