/**
 * Sign tests of decimal texts for the position fold, which runs on every position event of a
 * full-history replay: on the 8-decimal scale they read the integer minor units (parseMinor),
 * and any other text goes to decimal.js, which then accepts, rejects and compares exactly as
 * the Decimal expressions did (dec(t).isZero(), dec(t).greaterThan(0)).
 */
import { dec } from '../money/decimal.js';
import { parseMinor } from '../money/exactSum.js';

export function isZeroAmount(text: string): boolean {
  if (text === '0') return true;
  const minor = parseMinor(text);
  return minor !== undefined ? minor === 0 : dec(text).isZero();
}

export function isPositiveAmount(text: string): boolean {
  const minor = parseMinor(text);
  return minor !== undefined ? minor > 0 : dec(text).greaterThan(0);
}
