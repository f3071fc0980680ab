/**
 * The reference book: simple and obviously correct, not fast. Every rule of DESIGN §5/§7 is
 * spelled out in one straight-line method so the fast book can be checked against it by replaying
 * random command streams on both and comparing every sink call and the state hash.
 *
 * Levels per side are kept best-first in a plain array; each level is a FIFO array of orders.
 */
import {
  EXPIRE_FOK, EXPIRE_IOC, EXPIRE_MARKET_REMAINDER, EXPIRE_NO_LIQUIDITY, EXPIRE_POST_ONLY_WOULD_TAKE,
  EXPIRE_SELF_TRADE, REJECT_DUPLICATE_ORDER_ID, REJECT_INVALID, REJECT_UNKNOWN_ORDER, SIDE_BUY,
  TIF_FOK, TIF_GTC, TIF_IOC, TIF_POST_ONLY, TYPE_MARKET,
  type BookSide, type BookSink, type OrderBook, type OrderTypeCode, type RestingOrderVisitor,
  type TimeInForceCode,
} from './types.js';
import { isValidOrderInput } from './validation.js';

interface RefOrder { id: number; owner: number; side: BookSide; price: number; qty: number }
interface RefLevel { price: number; orders: RefOrder[] }

export class ReferenceBook implements OrderBook {
  /** [SIDE_BUY]: descending prices, [SIDE_SELL]: ascending — best first on both */
  private readonly levels: [RefLevel[], RefLevel[]] = [[], []];
  private readonly byId = new Map<number, RefOrder>();

  place(orderId: number, ownerId: number, side: BookSide, type: OrderTypeCode, tif: TimeInForceCode,
        priceTicks: number, qtyLots: number, sink: BookSink): void {
    if (!isValidOrderInput(orderId, ownerId, side, type, tif, priceTicks, qtyLots)) {
      sink.rejected(orderId, REJECT_INVALID);
      return;
    }
    if (this.byId.has(orderId)) {
      sink.rejected(orderId, REJECT_DUPLICATE_ORDER_ID);
      return;
    }
    const opposite = this.levels[1 - side]!;
    const crosses = (price: number) => side === SIDE_BUY ? price <= priceTicks : price >= priceTicks;

    if (tif === TIF_POST_ONLY) {
      if (opposite.length > 0 && crosses(opposite[0]!.price)) {
        sink.expired(orderId, qtyLots, EXPIRE_POST_ONLY_WOULD_TAKE);
      } else {
        this.rest({ id: orderId, owner: ownerId, side, price: priceTicks, qty: qtyLots }, sink);
      }
      return;
    }

    if (tif === TIF_FOK) {
      // only liquidity ahead of the first resting order of the same owner counts: matching stops there
      let available = 0;
      scan: for (const level of opposite) {
        if (!crosses(level.price)) break;
        for (const maker of level.orders) {
          if (maker.owner === ownerId) break scan;
          available += maker.qty;
        }
      }
      if (available < qtyLots) {
        sink.expired(orderId, qtyLots, EXPIRE_FOK);
        return;
      }
    }

    let remaining = qtyLots;
    let selfTrade = false;
    while (remaining > 0 && opposite.length > 0 && !selfTrade) {
      const level = opposite[0]!;
      if (!crosses(level.price)) break;
      while (remaining > 0 && level.orders.length > 0) {
        const maker = level.orders[0]!;
        if (maker.owner === ownerId) { selfTrade = true; break; }
        const fill = Math.min(maker.qty, remaining);
        maker.qty -= fill;
        remaining -= fill;
        sink.trade(maker.id, maker.owner, orderId, ownerId, side, level.price, fill, maker.qty, remaining);
        if (maker.qty === 0) {
          level.orders.shift();
          this.byId.delete(maker.id);
        }
      }
      if (level.orders.length === 0) opposite.shift();
    }

    if (remaining === 0) return;
    if (selfTrade) {
      sink.expired(orderId, remaining, EXPIRE_SELF_TRADE);
    } else if (type === TYPE_MARKET) {
      sink.expired(orderId, remaining, remaining === qtyLots ? EXPIRE_NO_LIQUIDITY : EXPIRE_MARKET_REMAINDER);
    } else if (tif === TIF_IOC) {
      sink.expired(orderId, remaining, remaining === qtyLots ? EXPIRE_NO_LIQUIDITY : EXPIRE_IOC);
    } else if (tif === TIF_GTC) {
      this.rest({ id: orderId, owner: ownerId, side, price: priceTicks, qty: remaining }, sink);
    } else {
      // a FOK that passed its liquidity check always fills completely
      throw new Error(`reference book invariant broken: FOK ${orderId} left ${remaining} lots`);
    }
  }

  cancel(orderId: number, sink: BookSink): void {
    const order = this.byId.get(orderId);
    if (order === undefined) {
      sink.rejected(orderId, REJECT_UNKNOWN_ORDER);
      return;
    }
    this.byId.delete(orderId);
    const side = this.levels[order.side];
    const levelIndex = side.findIndex((l) => l.price === order.price);
    const level = side[levelIndex]!;
    level.orders.splice(level.orders.indexOf(order), 1);
    if (level.orders.length === 0) side.splice(levelIndex, 1);
    sink.cancelled(orderId, order.qty);
  }

  forEachResting(visit: RestingOrderVisitor): void {
    for (const side of this.levels) {
      for (const level of side) for (const o of level.orders) visit(o.id, o.owner, o.side, o.price, o.qty);
    }
  }

  restingCount(): number { return this.byId.size; }
  bestBid(): number | undefined { return this.levels[SIDE_BUY][0]?.price; }
  bestAsk(): number | undefined { return this.levels[1][0]?.price; }

  depth(side: BookSide, maxLevels: number): Array<[number, number]> {
    return this.levels[side].slice(0, maxLevels)
      .map((l): [number, number] => [l.price, l.orders.reduce((sum, o) => sum + o.qty, 0)]);
  }

  private rest(order: RefOrder, sink: BookSink): void {
    const side = this.levels[order.side];
    const better = (p: number) => order.side === SIDE_BUY ? p > order.price : p < order.price;
    let i = 0;
    while (i < side.length && better(side[i]!.price)) i++;
    if (i < side.length && side[i]!.price === order.price) side[i]!.orders.push(order);
    else side.splice(i, 0, { price: order.price, orders: [order] });
    this.byId.set(order.id, order);
    sink.rested(order.id, order.side, order.price, order.qty);
  }
}
