import { Decimal, ROUND_CEIL, ROUND_FLOOR, ROUND_HALF_EVEN, ZERO, dec, max, type DecimalValue } from './decimal.js';

/**
 * The exact money rules of DESIGN §4. All amounts are at the asset scale (USDT: 8 dp); each
 * rounding names its mode. Fees and margins round up (toward +∞), shares round down (toward −∞)
 * with the last share taking the exact remainder, PnL is exact.
 */

export const USDT_SCALE = 8;
export const DISPLAY_SCALE = 8;

/** notional = price × qty × contractSize (exact: the instrument rule guarantees ≤ 8 dp). */
export function notional(price: DecimalValue, qty: DecimalValue, contractSize: DecimalValue): Decimal {
  return dec(price).times(dec(qty)).times(dec(contractSize));
}

/**
 * Initial margin for q at p: max(p·q·cs / leverage, p·q·cs × IMR), rounded up at the asset scale.
 * Divides by the leverage; never multiplies by a rounded 1/leverage.
 */
export function initialMargin(
  price: DecimalValue,
  qty: DecimalValue,
  contractSize: DecimalValue,
  leverage: number,
  initialMarginRate: DecimalValue,
  scale = USDT_SCALE,
): Decimal {
  const n = notional(price, qty, contractSize);
  const byLeverage = n.dividedBy(leverage);
  const byRate = n.times(dec(initialMarginRate));
  return max(byLeverage, byRate).toDecimalPlaces(scale, ROUND_CEIL);
}

/** A fee: p·q·cs × rate, rounded up at the asset scale. */
export function fee(notionalValue: DecimalValue, rate: DecimalValue, scale = USDT_SCALE): Decimal {
  return dec(notionalValue).times(dec(rate)).toDecimalPlaces(scale, ROUND_CEIL);
}

/**
 * Proportional share of a locked amount L for q out of the remaining R: L × q / R rounded down,
 * and exactly L when q = R — so the last share takes the rest and no dust is created or lost.
 */
export function share(locked: DecimalValue, qty: DecimalValue, remaining: DecimalValue, scale = USDT_SCALE): Decimal {
  const L = dec(locked);
  const q = dec(qty);
  const R = dec(remaining);
  if (q.greaterThan(R)) throw new RangeError(`share of ${q} out of ${R}`);
  if (q.equals(R)) return L;
  if (R.isZero()) return ZERO;
  return L.times(q).dividedBy(R).toDecimalPlaces(scale, ROUND_FLOOR);
}

/** Realised PnL of closing: long = exit notional − removed cost; short = removed − exit notional. */
export function realizedPnl(isLong: boolean, exitNotional: DecimalValue, removedCost: DecimalValue): Decimal {
  return isLong ? dec(exitNotional).minus(dec(removedCost)) : dec(removedCost).minus(dec(exitNotional));
}

/** Display value at 8 dp half-even. */
export function display(value: DecimalValue): Decimal {
  return dec(value).toDecimalPlaces(DISPLAY_SCALE, ROUND_HALF_EVEN);
}

/** entryPrice = entryNotional / (qty·cs), display rounding; undefined for a flat position. */
export function entryPrice(entryNotional: DecimalValue, qty: DecimalValue, contractSize: DecimalValue): Decimal | undefined {
  const q = dec(qty);
  if (q.isZero()) return undefined;
  return display(dec(entryNotional).dividedBy(q.times(dec(contractSize))));
}

/** uPnL at a mark: long = mark·q·cs − entryNotional, short = entryNotional − mark·q·cs (display). */
export function unrealizedPnl(isLong: boolean, entryNotional: DecimalValue, qty: DecimalValue, contractSize: DecimalValue, mark: DecimalValue): Decimal {
  const markNotional = notional(mark, qty, contractSize);
  return display(isLong ? markNotional.minus(dec(entryNotional)) : dec(entryNotional).minus(markNotional));
}

/** Maintenance margin at a mark: mark·q·cs × MMR, rounded up. */
export function maintenanceMargin(mark: DecimalValue, qty: DecimalValue, contractSize: DecimalValue, mmr: DecimalValue, scale = USDT_SCALE): Decimal {
  return notional(mark, qty, contractSize).times(dec(mmr)).toDecimalPlaces(scale, ROUND_CEIL);
}

/**
 * Isolated liquidation price from the exact entryNotional and margin:
 * long (entry − margin/(q·cs)) / (1 − MMR), short (entry + margin/(q·cs)) / (1 + MMR);
 * 8 dp half-even; undefined when flat or ≤ 0.
 */
export function liquidationPrice(isLong: boolean, entryNotional: DecimalValue, margin: DecimalValue, qty: DecimalValue, contractSize: DecimalValue, mmr: DecimalValue): Decimal | undefined {
  const q = dec(qty);
  if (q.isZero()) return undefined;
  const size = q.times(dec(contractSize));
  const entry = dec(entryNotional).dividedBy(size);
  const marginPerUnit = dec(margin).dividedBy(size);
  const one = new Decimal(1);
  const raw = isLong
    ? entry.minus(marginPerUnit).dividedBy(one.minus(dec(mmr)))
    : entry.plus(marginPerUnit).dividedBy(one.plus(dec(mmr)));
  const price = display(raw);
  return price.greaterThan(0) ? price : undefined;
}
