/**
 * Replays the standard workload on an OrderBook. The workload has no owners and no self-trade
 * prevention, so every order is its own owner; MARKET orders are unbounded: their protected price
 * lies beyond any price the workload holds (its prices are ticks around mid = 10,000). The bounds
 * stay inside V8's small-integer range on purpose — a larger number is boxed as a heap number
 * on each call, which was the only allocation left in the replay loop.
 */
import { TIF_GTC, TIF_IOC, TYPE_LIMIT, TYPE_MARKET, type BookSide, type BookSink, type OrderBook } from '../book/types.js';
import { CMD_CANCEL, CMD_LIMIT, type WorkloadColumns } from './format.js';

export const UNBOUNDED_BUY_TICKS = 2 ** 30 - 1;
export const UNBOUNDED_SELL_TICKS = -(2 ** 30);

/** applies commands [from, to) — one call per command, no allocation of its own */
export function replayRange(book: OrderBook, w: WorkloadColumns, from: number, to: number, sink: BookSink): void {
  const { type, side, priceTicks, qtyLots, id } = w;
  for (let i = from; i < to; i++) {
    const t = type[i]!;
    const orderId = id[i]!;
    if (t === CMD_LIMIT) {
      book.place(orderId, orderId, side[i] as BookSide, TYPE_LIMIT, TIF_GTC, priceTicks[i]!, qtyLots[i]!, sink);
    } else if (t === CMD_CANCEL) {
      book.cancel(orderId, sink);
    } else {
      const s = side[i] as BookSide;
      book.place(orderId, orderId, s, TYPE_MARKET, TIF_IOC, s === 0 ? UNBOUNDED_BUY_TICKS : UNBOUNDED_SELL_TICKS,
        qtyLots[i]!, sink);
    }
  }
}

