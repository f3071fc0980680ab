import { START_POSITION, type Position } from '../port.js';

/** EventStoreDB's $all position: events are ordered by commit, then prepare position. */
export interface EsdbPosition {
  commit: bigint;
  prepare: bigint;
}

const HALF_BITS = 64n;
const HALF_MASK = (1n << HALF_BITS) - 1n;

/**
 * Port position = commit × 2^64 + prepare. Both halves are unsigned 64-bit on the wire, so this
 * is lossless, orders exactly as EventStoreDB orders $all (commit first), and decodes back to
 * the pair a read or subscription must start from. The commit position alone would not do: the
 * events of one multi-event append share a commit position and differ only in prepare.
 */
export function toPortPosition(position: EsdbPosition): Position {
  return ((position.commit << HALF_BITS) | position.prepare).toString();
}

export function toEsdbPosition(position: Position): EsdbPosition {
  const value = BigInt(position);
  if (value < 0n) throw new RangeError(`negative position ${position}`);
  return { commit: value >> HALF_BITS, prepare: value & HALF_MASK };
}

export function isStart(position: Position): boolean {
  return BigInt(position) === BigInt(START_POSITION);
}
