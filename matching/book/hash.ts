/**
 * Hashes that identify a book state independently of how the book stores it.
 */
import { createHash } from 'node:crypto';
import { SIDE_BUY, SIDE_SELL, type OrderBook } from './types.js';

/**
 * sha256 (hex) over every resting order in price-time order (bids best-first, then asks):
 * id, owner, side, price, qty. Two books with equal hashes hold the same orders in the same queue
 * positions — stronger than the depth hash, which only sees aggregated levels.
 */
export function stateHash(book: OrderBook): string {
  const h = createHash('sha256');
  book.forEachResting((id, owner, side, price, qty) => {
    h.update(`${id},${owner},${side},${price},${qty};`);
  });
  return h.digest('hex');
}

/**
 * The standard workload's correctness check: first 16 hex chars of
 * sha256(JSON.stringify({bids, asks})), levels [priceTicks, qtyLots] best first.
 */
export function depthHash(book: OrderBook): string {
  return depthHashOf(book.depth(SIDE_BUY, Infinity), book.depth(SIDE_SELL, Infinity));
}

export function depthHashOf(bids: Array<[number, number]>, asks: Array<[number, number]>): string {
  return createHash('sha256').update(JSON.stringify({ bids, asks })).digest('hex').slice(0, 16);
}
