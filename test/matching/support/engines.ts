/** Engine harness for the tests: a temp dir, an engine over it, and a book listing. */
import { FastBook } from '../../../matching/book/fast-book.js';
import type { OrderBook } from '../../../matching/book/types.js';
import { createMatchingEngine, type MatchingEngine, type MatchingEngineOptions } from '../../../matching/engine/engine.js';
import { INSTRUMENT } from './flow.js';

export function engineAt(dir: string, options: Partial<MatchingEngineOptions> = {}): MatchingEngine {
  return createMatchingEngine({ instrument: INSTRUMENT, dir, createBook: () => new FastBook(), snapshotEvery: 0, ...options });
}

/** The resting orders in price-time order: [handle, side, priceTicks, qtyLots]. */
export function restingOf(book: OrderBook): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  book.forEachResting((id, _owner, side, price, qty) => out.push([id, side, price, qty]));
  return out;
}
