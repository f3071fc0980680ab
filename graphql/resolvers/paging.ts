import { badInput } from '../errors.js';

/** DESIGN §10: every list is bounded; `first` above the cap is refused, not clamped. */
export const PAGE_SIZE_MAX = 1000;

export function pageSize(first: number | null | undefined, fallback = 100): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > PAGE_SIZE_MAX) throw badInput('PAGE_SIZE', `first must be 0..${PAGE_SIZE_MAX}, got ${n}`);
  return n;
}
