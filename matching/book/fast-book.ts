/**
 * The fast order book: same contract and outputs as ReferenceBook, built for the hot path.
 *
 * * Orders live in pooled nodes: columns of typed arrays indexed by node number, an intrusive
 *   doubly linked FIFO per price level, a free list for reuse — no object per order.
 * * Levels live in a second pool (price, aggregate qty, head, tail). Per side, the active levels
 *   are kept sorted in a typed array with the BEST AT THE END, keyed by price for bids and −price
 *   for asks, so one ascending order serves both sides: the best level is the last element (O(1)),
 *   removing it is a pop, and new levels mostly appear near the touch (a short shift).
 * * order id → node through an open-addressing index in typed arrays (O(1) cancel).
 * * Pools grow by doubling and never shrink: memory follows the peak number of resting orders.
 * The sink must not call back into the book.
 */
import {
  EXPIRE_FOK, EXPIRE_IOC, EXPIRE_MARKET_REMAINDER, EXPIRE_NO_LIQUIDITY, EXPIRE_POST_ONLY_WOULD_TAKE,
  EXPIRE_SELF_TRADE, REJECT_DUPLICATE_ORDER_ID, REJECT_INVALID, REJECT_UNKNOWN_ORDER, SIDE_BUY, SIDE_SELL,
  TIF_FOK, TIF_IOC, TIF_POST_ONLY, TYPE_MARKET,
  type BookSide, type BookSink, type OrderBook, type OrderTypeCode, type RestingOrderVisitor,
  type TimeInForceCode,
} from './types.js';
import { OrderIdIndex } from './id-index.js';
import { isValidOrderInput } from './validation.js';

const NIL = -1;

export interface FastBookOptions {
  /** resting orders the pools hold before their first doubling */
  initialOrders?: number;
  /** price levels per side before the first doubling */
  initialLevels?: number;
}

export class FastBook implements OrderBook {
  // order nodes
  private nodeId: Float64Array;
  private nodeOwner: Float64Array;
  private nodeQty: Float64Array;
  private nodeLevel: Int32Array;
  private nodeNext: Int32Array;
  private nodePrev: Int32Array;
  private nodeHighWater = 0;
  private freeNode = NIL;

  // price levels
  private levelPrice: Float64Array;
  private levelQty: Float64Array;
  private levelHead: Int32Array;
  private levelTail: Int32Array;
  private levelSide: Uint8Array;
  private levelHighWater = 0;
  private freeLevel = NIL;

  // per side: sorted level keys (price for bids, −price for asks), ascending, best last
  private readonly sortedKeys: [Float64Array, Float64Array];
  private readonly sortedLevels: [Int32Array, Int32Array];
  private readonly sortedCount = new Int32Array(2);

  private readonly index: OrderIdIndex;
  private resting = 0;
  /** set by match() when self-trade prevention stopped it */
  private stoppedBySelfTrade = false;

  constructor(options: FastBookOptions = {}) {
    const orders = Math.max(16, options.initialOrders ?? 1024);
    const levels = Math.max(8, options.initialLevels ?? 128);
    this.nodeId = new Float64Array(orders);
    this.nodeOwner = new Float64Array(orders);
    this.nodeQty = new Float64Array(orders);
    this.nodeLevel = new Int32Array(orders);
    this.nodeNext = new Int32Array(orders);
    this.nodePrev = new Int32Array(orders);
    this.levelPrice = new Float64Array(levels * 2);
    this.levelQty = new Float64Array(levels * 2);
    this.levelHead = new Int32Array(levels * 2);
    this.levelTail = new Int32Array(levels * 2);
    this.levelSide = new Uint8Array(levels * 2);
    this.sortedKeys = [new Float64Array(levels), new Float64Array(levels)];
    this.sortedLevels = [new Int32Array(levels), new Int32Array(levels)];
    this.index = new OrderIdIndex(orders * 2);
  }

  place(orderId: number, ownerId: number, side: BookSide, type: OrderTypeCode, tif: TimeInForceCode,
        priceTicks: number, qtyLots: number, sink: BookSink): void {
    if (!isValidOrderInput(orderId, ownerId, side, type, tif, priceTicks, qtyLots)) {
      sink.rejected(orderId, REJECT_INVALID);
      return;
    }
    if (this.index.get(orderId) !== NIL) {
      sink.rejected(orderId, REJECT_DUPLICATE_ORDER_ID);
      return;
    }
    if (tif === TIF_POST_ONLY) {
      if (this.crosses(side, priceTicks)) sink.expired(orderId, qtyLots, EXPIRE_POST_ONLY_WOULD_TAKE);
      else this.rest(orderId, ownerId, side, priceTicks, qtyLots, sink);
      return;
    }
    if (tif === TIF_FOK && !this.canFillCompletely(ownerId, side, priceTicks, qtyLots)) {
      sink.expired(orderId, qtyLots, EXPIRE_FOK);
      return;
    }
    const remaining = this.crosses(side, priceTicks)
      ? this.match(orderId, ownerId, side, priceTicks, qtyLots, sink)
      : qtyLots;
    if (remaining === 0) return;
    if (this.stoppedBySelfTrade) {
      this.stoppedBySelfTrade = false;
      sink.expired(orderId, remaining, EXPIRE_SELF_TRADE);
    } else if (type === TYPE_MARKET) {
      sink.expired(orderId, remaining, remaining === qtyLots ? EXPIRE_NO_LIQUIDITY : EXPIRE_MARKET_REMAINDER);
    } else if (tif === TIF_IOC) {
      sink.expired(orderId, remaining, remaining === qtyLots ? EXPIRE_NO_LIQUIDITY : EXPIRE_IOC);
    } else if (tif === TIF_FOK) {
      throw new Error(`fast book invariant broken: FOK ${orderId} left ${remaining} lots`);
    } else {
      this.rest(orderId, ownerId, side, priceTicks, remaining, sink);
    }
  }

  cancel(orderId: number, sink: BookSink): void {
    const node = this.index.remove(orderId);
    if (node === NIL) {
      sink.rejected(orderId, REJECT_UNKNOWN_ORDER);
      return;
    }
    const qty = this.nodeQty[node]!;
    const level = this.nodeLevel[node]!;
    const prev = this.nodePrev[node]!;
    const next = this.nodeNext[node]!;
    if (prev === NIL) this.levelHead[level] = next; else this.nodeNext[prev] = next;
    if (next === NIL) this.levelTail[level] = prev; else this.nodePrev[next] = prev;
    this.levelQty[level] = this.levelQty[level]! - qty;
    if (this.levelHead[level] === NIL) this.removeLevel(level);
    this.releaseNode(node);
    this.resting--;
    sink.cancelled(orderId, qty);
  }

  forEachResting(visit: RestingOrderVisitor): void {
    for (let side = SIDE_BUY; side <= SIDE_SELL; side++) {
      const levels = this.sortedLevels[side]!;
      for (let i = this.sortedCount[side]! - 1; i >= 0; i--) {
        const level = levels[i]!;
        for (let n = this.levelHead[level]!; n !== NIL; n = this.nodeNext[n]!) {
          visit(this.nodeId[n]!, this.nodeOwner[n]!, side as BookSide, this.levelPrice[level]!, this.nodeQty[n]!);
        }
      }
    }
  }

  restingCount(): number { return this.resting; }

  bestBid(): number | undefined { return this.best(SIDE_BUY); }

  bestAsk(): number | undefined { return this.best(SIDE_SELL); }

  depth(side: BookSide, maxLevels: number): Array<[number, number]> {
    const levels = this.sortedLevels[side];
    const out: Array<[number, number]> = [];
    for (let i = this.sortedCount[side]! - 1; i >= 0 && out.length < maxLevels; i--) {
      const level = levels[i]!;
      out.push([this.levelPrice[level]!, this.levelQty[level]!]);
    }
    return out;
  }

  private best(side: BookSide): number | undefined {
    const count = this.sortedCount[side]!;
    return count === 0 ? undefined : this.levelPrice[this.sortedLevels[side][count - 1]!];
  }

  /** does the best opposite level cross a taker of `side` limited at priceTicks? */
  private crosses(side: BookSide, priceTicks: number): boolean {
    const opposite = 1 - side;
    const count = this.sortedCount[opposite]!;
    if (count === 0) return false;
    // opposite keys: asks −price (buy taker crosses when ask ≤ limit ⇔ −ask ≥ −limit), bids price
    return this.sortedKeys[opposite]![count - 1]! >= (side === SIDE_BUY ? -priceTicks : priceTicks);
  }

  /** FOK: is there qtyLots within the limit ahead of the first resting order of the same owner? */
  private canFillCompletely(ownerId: number, side: BookSide, priceTicks: number, qtyLots: number): boolean {
    const opposite = 1 - side;
    const keys = this.sortedKeys[opposite]!;
    const levels = this.sortedLevels[opposite]!;
    const bound = side === SIDE_BUY ? -priceTicks : priceTicks;
    let available = 0;
    for (let i = this.sortedCount[opposite]! - 1; i >= 0 && keys[i]! >= bound; i--) {
      for (let n = this.levelHead[levels[i]!]!; n !== NIL; n = this.nodeNext[n]!) {
        if (this.nodeOwner[n] === ownerId) return false;
        available += this.nodeQty[n]!;
        if (available >= qtyLots) return true;
      }
    }
    return false;
  }

  /** takes liquidity best-first at the makers' prices; returns what is left of the taker */
  private match(takerId: number, takerOwner: number, side: BookSide, priceTicks: number, qtyLots: number,
                sink: BookSink): number {
    const opposite = 1 - side;
    const keys = this.sortedKeys[opposite]!;
    const levels = this.sortedLevels[opposite]!;
    const bound = side === SIDE_BUY ? -priceTicks : priceTicks;
    const nodeOwner = this.nodeOwner;
    const nodeQty = this.nodeQty;
    const nodeNext = this.nodeNext;
    const nodeId = this.nodeId;
    let remaining = qtyLots;
    let count = this.sortedCount[opposite]!;
    while (count > 0 && keys[count - 1]! >= bound) {
      const level = levels[count - 1]!;
      const price = this.levelPrice[level]!;
      let levelQty = this.levelQty[level]!;
      let n = this.levelHead[level]!;
      while (n !== NIL) {
        const makerOwner = nodeOwner[n]!;
        if (makerOwner === takerOwner) {
          this.stoppedBySelfTrade = true;
          break;
        }
        const makerQty = nodeQty[n]!;
        const fill = makerQty < remaining ? makerQty : remaining;
        const makerLeft = makerQty - fill;
        remaining -= fill;
        levelQty -= fill;
        const makerId = nodeId[n]!;
        if (makerLeft === 0) {
          const next = nodeNext[n]!;
          this.index.remove(makerId);
          this.releaseNode(n);
          this.resting--;
          n = next;
        } else {
          nodeQty[n] = makerLeft;
        }
        sink.trade(makerId, makerOwner, takerId, takerOwner, side, price, fill, makerLeft, remaining);
        if (remaining === 0) break;
      }
      this.levelQty[level] = levelQty;
      if (n === NIL) {
        // the level emptied: it is the best one, so drop it from the end
        count--;
        this.releaseLevel(level);
      } else {
        this.levelHead[level] = n;
        this.nodePrev[n] = NIL;
        break;
      }
      if (remaining === 0) break;
    }
    this.sortedCount[opposite] = count;
    return remaining;
  }

  private rest(orderId: number, ownerId: number, side: BookSide, priceTicks: number, qtyLots: number,
               sink: BookSink): void {
    const level = this.levelFor(side, priceTicks);
    const n = this.allocateNode();
    this.nodeId[n] = orderId;
    this.nodeOwner[n] = ownerId;
    this.nodeQty[n] = qtyLots;
    this.nodeLevel[n] = level;
    this.nodeNext[n] = NIL;
    const tail = this.levelTail[level]!;
    this.nodePrev[n] = tail;
    if (tail === NIL) this.levelHead[level] = n; else this.nodeNext[tail] = n;
    this.levelTail[level] = n;
    this.levelQty[level] = this.levelQty[level]! + qtyLots;
    this.index.insert(orderId, n);
    this.resting++;
    sink.rested(orderId, side, priceTicks, qtyLots);
  }

  /** the level at priceTicks on side, created (empty) when absent */
  private levelFor(side: BookSide, priceTicks: number): number {
    const key = side === SIDE_BUY ? priceTicks : -priceTicks;
    let keys = this.sortedKeys[side]!;
    let levels = this.sortedLevels[side]!;
    const count = this.sortedCount[side]!;
    // a taker's remainder rests at (or becomes) the touch: try the best end before searching
    let lo: number;
    if (count === 0 || keys[count - 1]! < key) {
      lo = count;
    } else if (keys[count - 1] === key) {
      return levels[count - 1]!;
    } else {
      // first index whose key ≥ key
      lo = 0;
      let hi = count - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! < key) lo = mid + 1; else hi = mid;
      }
    }
    if (lo < count && keys[lo] === key) return levels[lo]!;
    if (count === keys.length) {
      keys = this.sortedKeys[side] = growFloat64(keys);
      levels = this.sortedLevels[side] = growInt32(levels);
    }
    keys.copyWithin(lo + 1, lo, count);
    levels.copyWithin(lo + 1, lo, count);
    const level = this.allocateLevel();
    this.levelPrice[level] = priceTicks;
    this.levelQty[level] = 0;
    this.levelHead[level] = NIL;
    this.levelTail[level] = NIL;
    this.levelSide[level] = side;
    keys[lo] = key;
    levels[lo] = level;
    this.sortedCount[side] = count + 1;
    return level;
  }

  /** an emptied level anywhere on its side (cancel path) */
  private removeLevel(level: number): void {
    const side = this.levelSide[level]!;
    const keys = this.sortedKeys[side]!;
    const levels = this.sortedLevels[side]!;
    const count = this.sortedCount[side]!;
    const price = this.levelPrice[level]!;
    const key = side === SIDE_BUY ? price : -price;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < key) lo = mid + 1; else hi = mid;
    }
    keys.copyWithin(lo, lo + 1, count);
    levels.copyWithin(lo, lo + 1, count);
    this.sortedCount[side] = count - 1;
    this.releaseLevel(level);
  }

  private allocateNode(): number {
    const free = this.freeNode;
    if (free !== NIL) {
      this.freeNode = this.nodeNext[free]!;
      return free;
    }
    if (this.nodeHighWater === this.nodeId.length) this.growNodes();
    return this.nodeHighWater++;
  }

  private releaseNode(n: number): void {
    this.nodeNext[n] = this.freeNode;
    this.freeNode = n;
  }

  private allocateLevel(): number {
    const free = this.freeLevel;
    if (free !== NIL) {
      this.freeLevel = this.levelHead[free]!;
      return free;
    }
    if (this.levelHighWater === this.levelPrice.length) this.growLevels();
    return this.levelHighWater++;
  }

  private releaseLevel(level: number): void {
    this.levelHead[level] = this.freeLevel;
    this.freeLevel = level;
  }

  private growNodes(): void {
    this.nodeId = growFloat64(this.nodeId);
    this.nodeOwner = growFloat64(this.nodeOwner);
    this.nodeQty = growFloat64(this.nodeQty);
    this.nodeLevel = growInt32(this.nodeLevel);
    this.nodeNext = growInt32(this.nodeNext);
    this.nodePrev = growInt32(this.nodePrev);
  }

  private growLevels(): void {
    this.levelPrice = growFloat64(this.levelPrice);
    this.levelQty = growFloat64(this.levelQty);
    this.levelHead = growInt32(this.levelHead);
    this.levelTail = growInt32(this.levelTail);
    const side = new Uint8Array(this.levelSide.length * 2);
    side.set(this.levelSide);
    this.levelSide = side;
  }
}

function growFloat64(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function growInt32(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
