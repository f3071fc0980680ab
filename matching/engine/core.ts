/**
 * The pure part of the engine: one input + the current state → one WAL entry (the outputs), with
 * the state advanced. No I/O, no clock, no randomness: the same inputs from the same state give
 * the same entries, which is what recovery checks when it replays the WAL.
 *
 * The book works on small integers, so the core maps each live order id to a handle (assigned
 * in input order from 1) and each user with live orders to an owner number (self-trade
 * prevention compares owners). Both maps hold live orders only: an ended order is forgotten.
 */
import { createHash } from 'node:crypto';
import {
  SIDE_BUY, SIDE_SELL, TIF_GTC, TYPE_LIMIT,
  type BookSide, type BookSink, type ExpiryReasonCode, type OrderBook, type RejectCode,
} from '../book/types.js';
import {
  INPUT_PLACE, OUT_CANCELLED, OUT_EXPIRED, OUT_REJECTED, OUT_RESTED, OUT_TRADE,
  REJECT_DUPLICATE_ORDER_ID, REJECT_UNKNOWN_ORDER,
  type CancelInput, type EngineInput, type EngineOutput, type PlaceInput, type WalEntry,
} from './types.js';

export class EngineInvariantBroken extends Error {
  override name = 'EngineInvariantBroken';
}

interface LiveOrder {
  handle: number;
  orderId: string;
  userId: string;
  owner: number;
}

interface UserSlot {
  owner: number;
  liveOrders: number;
}

/** Everything needed to rebuild the core without replaying its history (snapshot payload). */
export interface CoreImage {
  lastEntrySeq: number;
  lastSourcePosition: string;
  marketRevision: number;
  nextHandle: number;
  nextOwner: number;
  nextTradeSeq: number;
  /** resting orders in the book's price-time order: [handle, orderId, userId, owner, side, priceTicks, qtyLots] */
  orders: Array<[number, string, string, number, BookSide, number, number]>;
  stateHash: string;
}

export class EngineCore implements BookSink {
  lastEntrySeq = 0;
  lastSourcePosition = '0';
  /** revision of market-{symbol} once every entry so far is published; −1 = no stream yet */
  marketRevision = -1;
  nextHandle = 1;
  nextOwner = 1;
  nextTradeSeq = 1;

  private readonly byOrderId = new Map<string, LiveOrder>();
  private readonly byHandle = new Map<number, LiveOrder>();
  private readonly users = new Map<string, UserSlot>();

  /** outputs of the input being applied (the core is its own book sink) */
  private outputs: EngineOutput[] = [];
  private takerHandle = 0;
  private takerRested = false;

  constructor(readonly book: OrderBook) {}

  isLive(orderId: string): boolean {
    return this.byOrderId.has(orderId);
  }

  liveOrderCount(): number {
    return this.byOrderId.size;
  }

  /** Applies one input and returns its WAL entry; the state moves to "after this entry". */
  step(input: EngineInput): WalEntry {
    const entry: WalEntry = {
      entrySeq: this.lastEntrySeq + 1,
      expectedMarketRevision: this.marketRevision,
      input,
      outputs: input.kind === INPUT_PLACE ? this.place(input) : this.cancel(input),
    };
    this.lastEntrySeq = entry.entrySeq;
    this.lastSourcePosition = input.sourcePosition;
    this.marketRevision += entry.outputs.length;
    return entry;
  }

  private place(input: PlaceInput): EngineOutput[] {
    if (input.invalid !== 0) return [{ kind: OUT_REJECTED, reason: input.invalid }];
    if (this.byOrderId.has(input.orderId)) return [{ kind: OUT_REJECTED, reason: REJECT_DUPLICATE_ORDER_ID }];
    const taker = this.track(input.orderId, input.userId);
    this.outputs = [];
    this.takerHandle = taker.handle;
    this.takerRested = false;
    this.book.place(taker.handle, taker.owner, input.side, input.type, input.tif, input.priceTicks, input.qtyLots, this);
    if (!this.takerRested) this.forget(taker);
    const out = this.outputs;
    this.outputs = [];
    if (out.length === 0) throw new EngineInvariantBroken(`order ${input.orderId} produced no book output`);
    return out;
  }

  private cancel(input: CancelInput): EngineOutput[] {
    const order = this.byOrderId.get(input.orderId);
    if (order === undefined) return [{ kind: OUT_REJECTED, reason: REJECT_UNKNOWN_ORDER }];
    this.outputs = [];
    this.takerHandle = order.handle;
    this.book.cancel(order.handle, this);
    const out = this.outputs;
    this.outputs = [];
    if (out.length !== 1 || out[0]!.kind !== OUT_CANCELLED) {
      throw new EngineInvariantBroken(`cancel of live order ${input.orderId} answered ${JSON.stringify(out)}`);
    }
    this.forget(order);
    return out;
  }

  private track(orderId: string, userId: string): LiveOrder {
    let user = this.users.get(userId);
    if (user === undefined) {
      user = { owner: this.nextOwner++, liveOrders: 0 };
      this.users.set(userId, user);
    }
    user.liveOrders += 1;
    const order: LiveOrder = { handle: this.nextHandle++, orderId, userId, owner: user.owner };
    this.byOrderId.set(orderId, order);
    this.byHandle.set(order.handle, order);
    return order;
  }

  private forget(order: LiveOrder): void {
    this.byOrderId.delete(order.orderId);
    this.byHandle.delete(order.handle);
    const user = this.users.get(order.userId)!;
    user.liveOrders -= 1;
    if (user.liveOrders === 0) this.users.delete(order.userId);
  }

  // ---- BookSink: the book reports in handles, the outputs carry the event ids ---------------

  rested(orderId: number, side: BookSide, priceTicks: number, qtyLots: number): void {
    this.expectTaker(orderId, 'rested');
    this.takerRested = true;
    this.outputs.push({ kind: OUT_RESTED, side, priceTicks, qtyLots });
  }

  trade(makerOrderId: number, _makerOwnerId: number, takerOrderId: number, _takerOwnerId: number,
        _takerSide: BookSide, priceTicks: number, qtyLots: number,
        makerRemainingLots: number, takerRemainingLots: number): void {
    this.expectTaker(takerOrderId, 'trade');
    const maker = this.byHandle.get(makerOrderId);
    if (maker === undefined) throw new EngineInvariantBroken(`book traded against unknown handle ${makerOrderId}`);
    this.outputs.push({
      kind: OUT_TRADE, seq: this.nextTradeSeq++, makerOrderId: maker.orderId, makerUserId: maker.userId,
      priceTicks, qtyLots, makerRemainingLots, takerRemainingLots,
    });
    if (makerRemainingLots === 0) this.forget(maker);
  }

  cancelled(orderId: number, remainingLots: number): void {
    this.expectTaker(orderId, 'cancelled');
    this.outputs.push({ kind: OUT_CANCELLED, remainingLots });
  }

  expired(orderId: number, remainingLots: number, reason: ExpiryReasonCode): void {
    this.expectTaker(orderId, 'expired');
    this.outputs.push({ kind: OUT_EXPIRED, remainingLots, reason });
  }

  rejected(orderId: number, reason: RejectCode): void {
    this.expectTaker(orderId, 'rejected');
    this.outputs.push({ kind: OUT_REJECTED, reason });
  }

  private expectTaker(handle: number, what: string): void {
    if (handle !== this.takerHandle) throw new EngineInvariantBroken(`book reported ${what} for handle ${handle} while handling ${this.takerHandle}`);
  }

  // ---- state identity and images -------------------------------------------------------------

  /**
   * sha256 over the counters and every resting order in price-time order with its ids: equal
   * hashes mean the same book, queue positions, id maps and resume point.
   */
  stateHash(): string {
    const h = createHash('sha256');
    h.update(`${this.lastEntrySeq}|${this.lastSourcePosition}|${this.marketRevision}|${this.nextHandle}|${this.nextOwner}|${this.nextTradeSeq}|`);
    let count = 0;
    this.book.forEachResting((handle, owner, side, priceTicks, qtyLots) => {
      const order = this.byHandle.get(handle);
      if (order === undefined || order.owner !== owner) throw new EngineInvariantBroken(`resting handle ${handle} is not a live order of owner ${owner}`);
      h.update(`${handle},${order.orderId},${order.userId},${owner},${side},${priceTicks},${qtyLots};`);
      count += 1;
    });
    if (count !== this.byHandle.size) throw new EngineInvariantBroken(`book rests ${count} orders, engine tracks ${this.byHandle.size}`);
    return h.digest('hex');
  }

  image(): CoreImage {
    const orders: CoreImage['orders'] = [];
    this.book.forEachResting((handle, owner, side, priceTicks, qtyLots) => {
      const order = this.byHandle.get(handle)!;
      orders.push([handle, order.orderId, order.userId, owner, side, priceTicks, qtyLots]);
    });
    return {
      lastEntrySeq: this.lastEntrySeq, lastSourcePosition: this.lastSourcePosition, marketRevision: this.marketRevision,
      nextHandle: this.nextHandle, nextOwner: this.nextOwner, nextTradeSeq: this.nextTradeSeq,
      orders, stateHash: this.stateHash(),
    };
  }

  /**
   * Rebuilds a core from an image onto an empty book: re-placing the resting orders in price-time
   * order as GTC limits re-creates the same queues (bids and asks never cross in a valid image).
   */
  static fromImage(image: CoreImage, book: OrderBook): EngineCore {
    const core = new EngineCore(book);
    if (book.restingCount() !== 0) throw new EngineInvariantBroken('an image is restored onto an empty book');
    for (const [handle, orderId, userId, owner, side, priceTicks, qtyLots] of image.orders) {
      if (side !== SIDE_BUY && side !== SIDE_SELL) throw new EngineInvariantBroken(`image order ${orderId} has side ${side}`);
      let user = core.users.get(userId);
      if (user === undefined) {
        user = { owner, liveOrders: 0 };
        core.users.set(userId, user);
      } else if (user.owner !== owner) {
        throw new EngineInvariantBroken(`image gives user ${userId} two owner numbers`);
      }
      user.liveOrders += 1;
      const order: LiveOrder = { handle, orderId, userId, owner };
      core.byOrderId.set(orderId, order);
      core.byHandle.set(handle, order);
      core.outputs = [];
      core.takerHandle = handle;
      core.takerRested = false;
      book.place(handle, owner, side, TYPE_LIMIT, TIF_GTC, priceTicks, qtyLots, core);
      const out = core.outputs;
      if (out.length !== 1 || out[0]!.kind !== OUT_RESTED || out[0]!.qtyLots !== qtyLots) {
        throw new EngineInvariantBroken(`image order ${orderId} did not rest as recorded: ${JSON.stringify(out)}`);
      }
    }
    core.outputs = [];
    core.lastEntrySeq = image.lastEntrySeq;
    core.lastSourcePosition = image.lastSourcePosition;
    core.marketRevision = image.marketRevision;
    core.nextHandle = image.nextHandle;
    core.nextOwner = image.nextOwner;
    core.nextTradeSeq = image.nextTradeSeq;
    const hash = core.stateHash();
    if (hash !== image.stateHash) throw new EngineInvariantBroken(`restored state hash ${hash} differs from the image's ${image.stateHash}`);
    return core;
  }
}
