/**
 * Decimal strings ↔ integer minor units, exactly. Parsing is done on the string itself (not via
 * a floating or precision-bounded type) so no amount can be rounded on its way into a hash.
 */

/** Input amounts: plain notation, optional minus, no leading zeros, no exponent. */
const INPUT_AMOUNT = /^(-)?(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
/** Document amounts: DESIGN §4 canonical form (no trailing zeros, "0" for zero). */
const CANONICAL_AMOUNT = /^(-)?(0|[1-9][0-9]*)(?:\.([0-9]*[1-9]))?$/;
/** u128 in 8 dp needs 39 digits plus a point; anything longer is hostile, not an amount. */
const MAX_AMOUNT_CHARS = 64;

export type AmountParse =
  | { ok: true; minorUnits: bigint }
  | { ok: false; problem: 'syntax' | 'scale' };

function toMinorUnits(match: RegExpExecArray, scale: number, trimZeros: boolean): AmountParse {
  const [, sign, whole, fractionRaw = ''] = match;
  const fraction = trimZeros ? fractionRaw.replace(/0+$/, '') : fractionRaw;
  if (fraction.length > scale) return { ok: false, problem: 'scale' };
  const magnitude = BigInt(whole! + fraction.padEnd(scale, '0'));
  return { ok: true, minorUnits: sign === '-' ? -magnitude : magnitude };
}

/**
 * An equity amount from the fold. Trailing zeros beyond the scale are accepted (the value is
 * still exact); a non-zero digit beyond the scale is rejected, never rounded.
 */
export function parseInputAmount(text: string, scale: number): AmountParse {
  if (typeof text !== 'string' || text.length > MAX_AMOUNT_CHARS) return { ok: false, problem: 'syntax' };
  const match = INPUT_AMOUNT.exec(text);
  if (match === null) return { ok: false, problem: 'syntax' };
  return toMinorUnits(match, scale, true);
}

/** An amount inside a root or proof document: canonical form only, so each value has one spelling. */
export function parseCanonicalAmount(text: unknown, scale: number): AmountParse {
  if (typeof text !== 'string' || text.length > MAX_AMOUNT_CHARS || text === '-0') return { ok: false, problem: 'syntax' };
  const match = CANONICAL_AMOUNT.exec(text);
  if (match === null) return { ok: false, problem: 'syntax' };
  return toMinorUnits(match, scale, false);
}

/** Minor units → canonical decimal string at `scale`. */
export function formatMinorUnits(minorUnits: bigint, scale: number): string {
  const negative = minorUnits < 0n;
  const digits = (negative ? -minorUnits : minorUnits).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}

const U64_MASK = (1n << 64n) - 1n;

/** Writes `value` (caller guarantees 0 ≤ value < 2^64) as u64 big-endian at `offset`. */
export function writeU64(buffer: Buffer, value: bigint, offset: number): void {
  buffer.writeBigUInt64BE(value, offset);
}

/** Writes `value` (caller guarantees 0 ≤ value < 2^128) as u128 big-endian at `offset`. */
export function writeU128(buffer: Buffer, value: bigint, offset: number): void {
  // Nearly every sum fits in 64 bits: skip the bigint shift and mask on the hot path.
  if (value <= U64_MASK) {
    buffer.writeBigUInt64BE(0n, offset);
    buffer.writeBigUInt64BE(value, offset + 8);
    return;
  }
  buffer.writeBigUInt64BE(value >> 64n, offset);
  buffer.writeBigUInt64BE(value & U64_MASK, offset + 8);
}
