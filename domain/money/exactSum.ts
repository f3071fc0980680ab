import { Decimal, dec } from './decimal.js';

/**
 * Exact running sums of ledger amounts in integer minor units (10^-8, the asset scale), for the
 * folds that add millions of journal lines. decimal.js stays the reference: every value and
 * every string out is the one the Decimal fold gives.
 *
 * Three representations, each exact in its range, and a sum only ever moves up:
 * - a safe integer (|minor| ≤ 2^53 − 1): the common case, no allocation per addition;
 * - a BigInt while |minor| < 10^50: still exact, and exactly what decimal.js gives there (a value
 *   of at most 50 digits is within its 50 significant digits);
 * - a Decimal beyond that, or once an amount off the scale (more than 8 decimals) or outside the
 *   parser's range is added: from then on the sum is the Decimal fold itself, with its 50-digit
 *   precision, so odd values are judged exactly as before, never clamped or rounded here.
 */

export const MINOR_SCALE = 8;
const MINOR_PER_UNIT = 100_000_000;
const MINOR_PER_UNIT_BIG = 100_000_000n;
/** decimal.js keeps 50 significant digits: below 10^50 minor units its sums are exact */
const BIG_LIMIT = 10n ** 50n;
const ZERO_CODE = 48;
/**
 * Digits are accumulated as v·10 + c and the result compared with this after every step: while
 * the exact result is ≤ 2^53 − 1 every step is exact, and once it is not the float result is
 * ≥ 2^53 too (rounding is monotone), so the comparison never lets an inexact value through.
 */
const MAX_MINOR = Number.MAX_SAFE_INTEGER;

/** parseMinor's answer for a text it does not take: off the scale, not plain, or too large */
export const NOT_MINOR = undefined;

/**
 * Minor units of a plain decimal text (`-?digits(.digits)?`, at most 8 decimals) when they are a
 * safe integer; undefined for any other text (the caller then uses decimal.js, which accepts and
 * rejects exactly what it did). "-0" and "0.000" are 0, as their Decimal value is.
 */
export function parseMinor(text: string): number | undefined {
  // event data is only JSON-validated: a number, null or missing field must reach decimal.js,
  // which takes or refuses it with its own error (reading .length here would throw a TypeError)
  if (typeof text !== 'string') return NOT_MINOR;
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === 45 /* - */) {
    negative = true;
    i = 1;
  }
  const intStart = i;
  let v = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - ZERO_CODE;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    if (v > MAX_MINOR) return NOT_MINOR;
  }
  if (i === intStart) return NOT_MINOR;
  let decimals = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */) return NOT_MINOR;
    i++;
    const fracStart = i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i) - ZERO_CODE;
      if (c < 0 || c > 9) return NOT_MINOR;
      v = v * 10 + c;
      if (v > MAX_MINOR) return NOT_MINOR;
    }
    decimals = i - fracStart;
    if (decimals === 0 || decimals > MINOR_SCALE) return NOT_MINOR;
  }
  for (; decimals < MINOR_SCALE; decimals++) {
    v *= 10;
    if (v > MAX_MINOR) return NOT_MINOR;
  }
  // no -0: the sums compare with ===
  return negative && v !== 0 ? -v : v;
}

/**
 * Minor units of a canonical positive amount (DESIGN §4: no sign, no leading or trailing zeros,
 * not "0"), the one form a journal line may carry. 0 when the text is not canonical positive
 * (the line is malformed); -1 when it is, but not in the safe-integer range at scale 8 (the
 * caller sums it as a Decimal).
 */
export function canonicalPositiveMinor(text: string): number {
  if (typeof text !== 'string') return NOT_CANONICAL_POSITIVE; // not canonical: callers' Decimal paths judge it
  const n = text.length;
  if (n === 0) return NOT_CANONICAL_POSITIVE;
  let i = 0;
  let v = 0;
  let inRange = true;
  const first = text.charCodeAt(0) - ZERO_CODE;
  if (first === 0) {
    i = 1; // a leading 0 is only the "0" of "0.x"
    if (n === 1 || text.charCodeAt(1) !== 46) return NOT_CANONICAL_POSITIVE;
  } else {
    for (; i < n; i++) {
      const c = text.charCodeAt(i) - ZERO_CODE;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      if (v > MAX_MINOR) inRange = false;
    }
    if (i === 0) return NOT_CANONICAL_POSITIVE;
  }
  let decimals = 0;
  if (i < n) {
    if (text.charCodeAt(i) !== 46) return NOT_CANONICAL_POSITIVE;
    i++;
    const fracStart = i;
    let last = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i) - ZERO_CODE;
      if (c < 0 || c > 9) return NOT_CANONICAL_POSITIVE;
      last = c;
      v = v * 10 + c;
      if (v > MAX_MINOR) inRange = false;
    }
    decimals = i - fracStart;
    if (decimals === 0 || last === 0) return NOT_CANONICAL_POSITIVE;
    if (decimals > MINOR_SCALE) inRange = false;
  }
  if (!inRange) return OUTSIDE_MINOR_RANGE;
  for (; decimals < MINOR_SCALE; decimals++) {
    v *= 10;
    if (v > MAX_MINOR) return OUTSIDE_MINOR_RANGE;
  }
  return v;
}

export const NOT_CANONICAL_POSITIVE = 0;
export const OUTSIDE_MINOR_RANGE = -1;

/** Canonical text of a minor-unit integer (DESIGN §4): what canonical() gives for its Decimal. */
export function minorToCanonical(minor: number): string {
  if (minor === 0) return '0';
  const abs = minor < 0 ? -minor : minor;
  // % and the exact multiple's division are exact on safe integers (no float rounding)
  const frac = abs % MINOR_PER_UNIT;
  const int = (abs - frac) / MINOR_PER_UNIT;
  return withFraction(minor < 0, String(int), frac === 0 ? '' : String(frac));
}

export function bigMinorToCanonical(minor: bigint): string {
  if (minor === 0n) return '0';
  const abs = minor < 0n ? -minor : minor;
  const frac = abs % MINOR_PER_UNIT_BIG;
  return withFraction(minor < 0n, String(abs / MINOR_PER_UNIT_BIG), frac === 0n ? '' : String(frac));
}

function withFraction(negative: boolean, int: string, frac: string): string {
  let text = int;
  if (frac !== '') {
    let digits = frac.padStart(MINOR_SCALE, '0');
    let end = digits.length;
    while (digits.charCodeAt(end - 1) === ZERO_CODE) end--;
    digits = digits.slice(0, end);
    text = `${int}.${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** A mutable exact sum (see the file comment); the value is the Decimal fold's, at any size. */
export class ExactSum {
  private minor = 0;
  private big: bigint | undefined = undefined;
  private decimal: Decimal | undefined = undefined;

  /** A sum that starts at `first` as it is (the Decimal fold kept a first value unrounded). */
  static of(first: number | Decimal): ExactSum {
    const s = new ExactSum();
    if (typeof first === 'number') s.addMinor(first);
    else s.decimal = first;
    return s;
  }

  /** A sum of `minor` minor units, in the representation the additions would have reached. */
  static fromMinor(minor: bigint): ExactSum {
    const s = new ExactSum();
    if (minor >= -BigInt(MAX_MINOR) && minor <= BigInt(MAX_MINOR)) s.minor = Number(minor);
    else if (minor < BIG_LIMIT && minor > -BIG_LIMIT) s.big = minor;
    else s.decimal = dec(bigMinorToCanonical(minor));
    return s;
  }

  /** Add a safe integer of minor units. */
  addMinor(m: number): void {
    if (this.decimal !== undefined) {
      this.decimal = this.decimal.plus(dec(minorToCanonical(m)));
      return;
    }
    if (this.big === undefined) {
      const s = this.minor + m;
      // both are safe: the float sum is unsafe exactly when the exact sum is, so this is exact
      if (Number.isSafeInteger(s)) {
        this.minor = s;
        return;
      }
      this.big = BigInt(this.minor);
    }
    const s = this.big + BigInt(m);
    if (s < BIG_LIMIT && s > -BIG_LIMIT) this.big = s;
    else this.decimal = dec(bigMinorToCanonical(this.big)).plus(dec(minorToCanonical(m)));
  }

  /** Add a Decimal (an amount off the scale or out of range): the sum is a Decimal from now on. */
  addDecimal(d: Decimal): void {
    this.decimal = this.toDecimal().plus(d);
  }

  /** add an amount as parsed for a line: minor units, or the Decimal of an odd one */
  add(amount: number | Decimal): void {
    if (typeof amount === 'number') this.addMinor(amount);
    else this.addDecimal(amount);
  }

  isZero(): boolean {
    if (this.decimal !== undefined) return this.decimal.isZero();
    return this.big === undefined ? this.minor === 0 : this.big === 0n;
  }

  equals(other: ExactSum): boolean {
    if (this.decimal === undefined && other.decimal === undefined) {
      if (this.big === undefined && other.big === undefined) return this.minor === other.minor;
      return (this.big ?? BigInt(this.minor)) === (other.big ?? BigInt(other.minor));
    }
    return this.toDecimal().equals(other.toDecimal());
  }

  canonical(): string {
    if (this.decimal !== undefined) return this.decimal.isZero() ? '0' : this.decimal.toFixed();
    return this.big === undefined ? minorToCanonical(this.minor) : bigMinorToCanonical(this.big);
  }

  toDecimal(): Decimal {
    return this.decimal ?? dec(this.canonical());
  }

  clone(): ExactSum {
    const copy = new ExactSum();
    copy.minor = this.minor;
    copy.big = this.big;
    copy.decimal = this.decimal;
    return copy;
  }
}

/**
 * canonical(dec(a).plus(dec(b))) with integer arithmetic when both texts are on the scale and the
 * sum is a safe integer of minor units; decimal.js otherwise (same value, same string, and the
 * same error for a text it rejects). For folds that keep balances as canonical strings.
 */
export function plusCanonical(a: string, b: string): string {
  const x = parseMinor(a);
  const y = x === undefined ? undefined : parseMinor(b);
  if (y !== undefined) {
    const s = x! + y;
    if (Number.isSafeInteger(s)) return minorToCanonical(s);
  }
  const d = dec(a).plus(dec(b));
  return d.isZero() ? '0' : d.toFixed();
}

/** canonical(dec(a).minus(dec(b))), as plusCanonical. */
export function minusCanonical(a: string, b: string): string {
  const x = parseMinor(a);
  const y = x === undefined ? undefined : parseMinor(b);
  if (y !== undefined) {
    const s = x! - y;
    if (Number.isSafeInteger(s)) return minorToCanonical(s);
  }
  const d = dec(a).minus(dec(b));
  return d.isZero() ? '0' : d.toFixed();
}
