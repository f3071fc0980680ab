import { Decimal as DecimalJs } from 'decimal.js';

/**
 * The one Decimal constructor of the project: 50 significant digits for intermediate results
 * (DESIGN §4 asks ≥ 40) and no exponent notation anywhere. Every rounding names its mode at the
 * call site; the default here is only a guard and is never relied upon.
 */
export const Decimal = DecimalJs.clone({
  precision: 50,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -100,
  toExpPos: 100,
});
export type Decimal = InstanceType<typeof Decimal>;
export type DecimalValue = Decimal | string | number;

export const ROUND_UP = DecimalJs.ROUND_UP; // away from zero
export const ROUND_DOWN = DecimalJs.ROUND_DOWN; // toward zero
export const ROUND_CEIL = DecimalJs.ROUND_CEIL; // toward +∞
export const ROUND_FLOOR = DecimalJs.ROUND_FLOOR; // toward −∞
export const ROUND_HALF_EVEN = DecimalJs.ROUND_HALF_EVEN;

export const ZERO = new Decimal(0);

/**
 * Parsed decimal texts by their text. Decimals never change (every method returns a new one),
 * so one parse can serve every later use; the same amounts come back all the time (instrument
 * parameters, a fill's price and quantity, the amounts of an event and of its journal lines).
 * Cleared when full, which bounds the memory without bookkeeping per hit.
 */
const PARSED_MAX = 4096;
let parsed = new Map<string, Decimal>();

export function dec(value: DecimalValue): Decimal {
  if (value instanceof Decimal) return value;
  if (typeof value !== 'string') return new Decimal(value);
  let parsedValue = parsed.get(value);
  if (parsedValue === undefined) {
    parsedValue = new Decimal(value);
    if (parsed.size >= PARSED_MAX) parsed = new Map();
    parsed.set(value, parsedValue);
  }
  return parsedValue;
}

/** Canonical form (DESIGN §4): plain notation, no exponent, no trailing zeros, "0" for zero. */
export function canonical(value: DecimalValue): string {
  const d = dec(value);
  if (d.isZero()) return '0';
  return d.toFixed();
}

/** API input grammar of DESIGN §4: plain decimal, at most 16 integer and 8 fraction digits. */
export const DECIMAL_INPUT = /^(0|[1-9][0-9]{0,15})(\.[0-9]{1,8})?$/;

export function isDecimalInput(text: string): boolean {
  return DECIMAL_INPUT.test(text);
}

export function isCanonical(text: string): boolean {
  return /^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/.test(text) && text !== '-0';
}

/** Σ of decimal strings, exact. */
export function sum(values: Iterable<DecimalValue>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(dec(v));
  return total;
}

export function min(a: Decimal, b: Decimal): Decimal {
  return a.lessThanOrEqualTo(b) ? a : b;
}

export function max(a: Decimal, b: Decimal): Decimal {
  return a.greaterThanOrEqualTo(b) ? a : b;
}
