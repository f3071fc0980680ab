import { SIDE_BUY, SIDE_SELL, TIF_GTC, TIF_POST_ONLY, TYPE_LIMIT, TYPE_MARKET } from './types.js';

/**
 * The book's own guard (REJECT_INVALID): the engine validates user input before it reaches the
 * book, so this only catches programming errors upstream — but it must never let a bad number in,
 * because a fractional or non-positive quantity would corrupt the level sums.
 * Order ids are non-negative safe integers (the fast book hashes them); owners any safe integer.
 */
export function isValidOrderInput(orderId: number, ownerId: number, side: number, type: number, tif: number,
                                  priceTicks: number, qtyLots: number): boolean {
  return Number.isSafeInteger(orderId) && orderId >= 0
    && Number.isSafeInteger(ownerId)
    && (side === SIDE_BUY || side === SIDE_SELL)
    && (type === TYPE_LIMIT || (type === TYPE_MARKET && tif !== TIF_POST_ONLY))
    && tif >= TIF_GTC && tif <= TIF_POST_ONLY && (tif | 0) === tif
    && Number.isSafeInteger(priceTicks)
    && Number.isSafeInteger(qtyLots) && qtyLots > 0;
}
