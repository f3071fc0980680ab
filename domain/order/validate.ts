import { DECIMAL_INPUT, canonical, dec } from '../money/decimal.js';
import { isOnLot, isOnTick } from '../instrument/grid.js';
import type { Instrument } from '../instrument/types.js';
import { badInput } from '../shared/errors.js';
import type { PlaceOrderInput, TimeInForce, ValidOrder } from './types.js';

const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK', 'POST_ONLY'];

/**
 * placeOrder's stateless checks (DESIGN §5 "Where a bad order ends"): BAD_USER_INPUT, nothing
 * written. Precedence: UNKNOWN_SYMBOL → INVALID_SIDE → INVALID_ORDER_TYPE → INVALID_QUANTITY
 * (not a plain decimal, ≤ 0) → INVALID_LOT → INVALID_PRICE (LIMIT without a price, MARKET with
 * one, not a plain decimal, ≤ 0) → INVALID_TICK → INVALID_TIME_IN_FORCE (unknown, MARKET
 * POST_ONLY). MARKET orders are IOC: GTC (the input default) is stored as IOC, FOK stays FOK.
 */
export function validatePlaceOrder(input: PlaceOrderInput, instrument: Instrument | undefined): ValidOrder {
  if (!instrument || instrument.symbol !== input.symbol) throw badInput('UNKNOWN_SYMBOL', `unknown symbol ${JSON.stringify(input.symbol)}`);
  if (input.side !== 'BUY' && input.side !== 'SELL') throw badInput('INVALID_SIDE', `side must be BUY or SELL`);
  if (input.type !== 'LIMIT' && input.type !== 'MARKET') throw badInput('INVALID_ORDER_TYPE', `type must be LIMIT or MARKET`);
  if (typeof input.qty !== 'string' || !DECIMAL_INPUT.test(input.qty) || !dec(input.qty).greaterThan(0)) {
    throw badInput('INVALID_QUANTITY', `qty must be a positive plain decimal, got ${JSON.stringify(input.qty)}`);
  }
  if (!isOnLot(input.qty, instrument)) throw badInput('INVALID_LOT', `qty ${input.qty} is not a multiple of the lot size ${instrument.lotSize}`);
  const price = input.price ?? null;
  if (input.type === 'MARKET' && price !== null) throw badInput('INVALID_PRICE', 'a MARKET order takes no price');
  if (input.type === 'LIMIT') {
    if (price === null) throw badInput('INVALID_PRICE', 'a LIMIT order needs a price');
    if (typeof price !== 'string' || !DECIMAL_INPUT.test(price) || !dec(price).greaterThan(0)) throw badInput('INVALID_PRICE', `price must be a positive plain decimal, got ${JSON.stringify(price)}`);
    if (!isOnTick(price, instrument)) throw badInput('INVALID_TICK', `price ${price} is not a multiple of the tick size ${instrument.tickSize}`);
  }
  const tif = input.timeInForce ?? 'GTC';
  if (!TIFS.includes(tif)) throw badInput('INVALID_TIME_IN_FORCE', `unknown timeInForce ${JSON.stringify(tif)}`);
  if (input.type === 'MARKET' && tif === 'POST_ONLY') throw badInput('INVALID_TIME_IN_FORCE', 'a MARKET order cannot be POST_ONLY');
  return {
    symbol: input.symbol,
    side: input.side,
    type: input.type,
    timeInForce: input.type === 'MARKET' && tif === 'GTC' ? 'IOC' : tif,
    price: price === null ? null : canonical(price),
    qty: canonical(input.qty),
    reduceOnly: input.reduceOnly ?? false,
  };
}
