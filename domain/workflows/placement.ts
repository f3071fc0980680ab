import { orderFreeze, protectedPrice } from '../instrument/grid.js';
import type { Instrument } from '../instrument/types.js';

/**
 * Pure rules of the placement workflow (DESIGN §5 "Entry") on top of the instrument's money
 * rules: the price an order's freeze is computed at. No I/O: the runner passes the mark as of
 * the event it handles, so a redelivery computes the same freeze.
 */
export type FreezePrice = { price: string; protectedPrice: string | null } | { rejected: 'NO_MARK_PRICE' };

/** The limit price, or the protected price of a MARKET order (which needs a mark). */
export function freezePrice(order: { type: string; side: 'BUY' | 'SELL'; price: string | null }, mark: string | undefined, instrument: Instrument): FreezePrice {
  if (order.type !== 'MARKET') return { price: order.price!, protectedPrice: null };
  if (mark === undefined) return { rejected: 'NO_MARK_PRICE' };
  const price = protectedPrice(mark, order.side, instrument);
  return { price, protectedPrice: price };
}

/** Margin and taker fee for the open quantity at the freeze price (§4, settlement detail 1). */
export function freezeAmounts(price: string, openQty: string, leverage: number, instrument: Instrument): { margin: string; fee: string } {
  return orderFreeze(instrument, price, openQty, leverage);
}
