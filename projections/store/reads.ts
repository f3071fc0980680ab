/** Argument checks for reads, shared by both adapters so they reject the same calls. */
import { InvalidReadArgument } from './errors.js';
import { assertLogicalKey } from './keys.js';

export function assertReadKey(key: string): void {
  try {
    assertLogicalKey(key);
  } catch (error) {
    throw new InvalidReadArgument((error as Error).message);
  }
}

export function assertRanks(start: number, stop: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(stop)) throw new InvalidReadArgument(`ranks must be integers, got ${start}..${stop}`);
}

export interface ScoreRange {
  max: number;
  min: number;
  offset: number;
  count: number | undefined;
}

export function normaliseScoreRange(range: { max: number; min: number; offset?: number; count?: number }): ScoreRange {
  const { max, min } = range;
  if (typeof max !== 'number' || Number.isNaN(max) || typeof min !== 'number' || Number.isNaN(min)) throw new InvalidReadArgument('score bounds must be numbers (±Infinity allowed)');
  const offset = range.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidReadArgument(`offset must be a non-negative integer, got ${offset}`);
  const count = range.count;
  if (count !== undefined && (!Number.isSafeInteger(count) || count < 0)) throw new InvalidReadArgument(`count must be a non-negative integer, got ${count}`);
  return { max, min, offset, count };
}

/** the wire form of a score bound */
export function scoreBound(value: number): string {
  if (value === Infinity) return '+inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}
