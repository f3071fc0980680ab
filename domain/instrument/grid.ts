import { ROUND_CEIL, ROUND_FLOOR, canonical, dec, type Decimal, type DecimalValue } from '../money/decimal.js';
import { fee, initialMargin } from '../money/rules.js';
import type { Liquidity, Side } from '../shared/types.js';
import type { Instrument } from './types.js';

/**
 * The tick / lot grid of an instrument and the conversions the matching engine needs (it works
 * in integer ticks and lots, DESIGN §4). Conversions are exact and throw off the grid — callers
 * validate first (validatePlaceOrder), so a throw here is a bug.
 */

/**
 * Answers by value text and step, remembered: a decimal modulo is costly, and the same prices and
 * quantities are checked over and over (every placement and every settled leg). Cleared when
 * full, which bounds the memory without bookkeeping per hit.
 */
const MULTIPLES_MAX = 4096;
let multiples = new Map<string, boolean>();

export function isMultipleOf(value: DecimalValue, step: string): boolean {
  if (typeof value !== 'string') return dec(value).modulo(dec(step)).isZero();
  const key = `${step} ${value}`;
  let answer = multiples.get(key);
  if (answer === undefined) {
    answer = dec(value).modulo(dec(step)).isZero();
    if (multiples.size >= MULTIPLES_MAX) multiples = new Map();
    multiples.set(key, answer);
  }
  return answer;
}

export function isOnTick(price: DecimalValue, instrument: Pick<Instrument, 'tickSize'>): boolean {
  return isMultipleOf(price, instrument.tickSize);
}

export function isOnLot(qty: DecimalValue, instrument: Pick<Instrument, 'lotSize'>): boolean {
  return isMultipleOf(qty, instrument.lotSize);
}

function exactMultiple(value: DecimalValue, step: string, what: string): number {
  const n = dec(value).dividedBy(dec(step));
  if (!n.isInteger()) throw new RangeError(`${what} ${canonical(value)} is not a multiple of ${step}`);
  const asNumber = n.toNumber();
  if (!Number.isSafeInteger(asNumber)) throw new RangeError(`${what} ${canonical(value)} is ${n.toFixed()} steps: beyond a safe integer`);
  return asNumber;
}

export function priceToTicks(price: DecimalValue, instrument: Pick<Instrument, 'tickSize'>): number {
  return exactMultiple(price, instrument.tickSize, 'price');
}

export function ticksToPrice(priceTicks: number, instrument: Pick<Instrument, 'tickSize'>): string {
  if (!Number.isSafeInteger(priceTicks)) throw new RangeError(`priceTicks ${priceTicks} is not a safe integer`);
  return canonical(dec(instrument.tickSize).times(priceTicks));
}

export function qtyToLots(qty: DecimalValue, instrument: Pick<Instrument, 'lotSize'>): number {
  return exactMultiple(qty, instrument.lotSize, 'qty');
}

export function lotsToQty(qtyLots: number, instrument: Pick<Instrument, 'lotSize'>): string {
  if (!Number.isSafeInteger(qtyLots)) throw new RangeError(`qtyLots ${qtyLots} is not a safe integer`);
  return canonical(dec(instrument.lotSize).times(qtyLots));
}

/**
 * Protected price of a market order: mark × (1 ± marketProtection) rounded to the tick away
 * from the mark (buy up, sell down). A sell whose bound would fall to zero or below is bounded
 * by one tick, the lowest price the book can hold.
 */
export function protectedPrice(mark: DecimalValue, side: Side, instrument: Pick<Instrument, 'tickSize' | 'marketProtection'>): string {
  const tick = dec(instrument.tickSize);
  const p = dec(instrument.marketProtection);
  const raw = side === 'BUY' ? dec(mark).times(p.plus(1)) : dec(mark).times(dec(1).minus(p));
  const ticks = raw.dividedBy(tick).toDecimalPlaces(0, side === 'BUY' ? ROUND_CEIL : ROUND_FLOOR);
  const bounded = ticks.lessThan(1) ? tick : ticks.times(tick);
  return canonical(bounded);
}

export function feeRate(instrument: Pick<Instrument, 'makerFeeRate' | 'takerFeeRate'>, liquidity: Liquidity): string {
  return liquidity === 'MAKER' ? instrument.makerFeeRate : instrument.takerFeeRate;
}

/**
 * What an order freezes for its open part (DESIGN §5 settlement detail 1): initial margin and
 * the taker fee at the limit (or protected) price, each rounded up, kept as two amounts.
 */
export function orderFreeze(instrument: Instrument, price: DecimalValue, openQty: DecimalValue, leverage: number): { margin: string; fee: string } {
  const q = dec(openQty);
  if (q.isZero()) return { margin: '0', fee: '0' };
  const margin: Decimal = initialMargin(price, q, instrument.contractSize, leverage, instrument.initialMarginRate);
  const notional = dec(price).times(q).times(dec(instrument.contractSize));
  return { margin: canonical(margin), fee: canonical(fee(notional, instrument.takerFeeRate)) };
}
