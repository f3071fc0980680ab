/**
 * The pure part of the engine: one input + the current state → one WAL entry (the outputs), with
 * the state advanced. No I/O, no clock, no randomness: the same inputs from the same state give
 * the same entries, which is what recovery checks when it replays the WAL.
 *
 * The entry is written straight into a ByteWriter in WAL encoding as the book reports (the core
 * is the book's sink): the hot path builds no entry or output objects. step() decodes what it
 * wrote, for callers that want the entry as an object.
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
  beginEntry, beginOutputs, ByteWriter, decodeEntry, endEntry, endOutputs, FRAME_HEADER_BYTES,
  writeCancelled, writeExpired, writeRejected, writeRested, writeTrade,
} from '../wal/codec.js';
import {
  INPUT_PLACE, OUT_CANCELLED, OUT_EXPIRED, OUT_REJECTED, OUT_RESTED, OUT_TRADE,
  REJECT_DUPLICATE_ORDER_ID, REJECT_UNKNOWN_ORDER,
  type CancelInput, type EngineInput, type EngineRejectCode, type PlaceInput, type WalEntry,
} from './types.js';

export class EngineInvariantBroken extends Error {
  override name = 'EngineInvariantBroken';
}

interface LiveOrder {
  handle: number;
  orderId: string;
  userId: string;
  owner: number;
  /** the user's slot, so forgetting an order needs no user lookup */
  user: UserSlot;
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

  /** where the outputs of the input being applied go (the core is its own book sink) */
  private out: ByteWriter;
  private outCount = 0;
  private lastOutKind = 0;
  private lastRestedLots = 0;
  private takerHandle = 0;
  private takerRested = false;
  /** step()'s and the image restore's buffer */
  private readonly scratch = new ByteWriter(1 << 12);

  constructor(readonly book: OrderBook) {
    this.out = this.scratch;
  }

  isLive(orderId: string): boolean {
    return this.byOrderId.has(orderId);
  }

  liveOrderCount(): number {
    return this.byOrderId.size;
  }

  /**
   * Applies one input and appends its framed WAL record to `w`; the state moves to "after this
   * entry". Returns the entry's seq. The input is read, never kept (callers reuse it).
   * When an invariant breaks, `w` is left as it was (no partial record) and the error thrown.
   */
  append(input: EngineInput, w: ByteWriter): number {
    const frameStart = w.length;
    const entrySeq = this.lastEntrySeq + 1;
    let count: number;
    try {
      beginEntry(w, entrySeq, this.marketRevision, input);
      count = this.apply(input, w);
      endEntry(w, frameStart);
    } catch (error) {
      w.length = frameStart;
      throw error;
    }
    this.advance(input, count);
    return entrySeq;
  }

  /**
   * Applies one input of a replayed entry, writing only its outputs block to `w` (in WAL
   * encoding, for a byte comparison with the recorded block). Returns the number of outputs.
   * lastSourcePosition is left to the caller: replay compares positions as bytes and sets the
   * last one once, instead of decoding a string per entry.
   */
  replay(input: EngineInput, w: ByteWriter): number {
    const count = this.apply(input, w);
    this.lastEntrySeq += 1;
    this.marketRevision += count;
    return count;
  }

  /** Applies one input and returns its WAL entry as an object (tests, tools; not the hot path). */
  step(input: EngineInput): WalEntry {
    const w = this.scratch;
    w.reset();
    this.append(input, w);
    return decodeEntry(w.buf, FRAME_HEADER_BYTES, w.length);
  }

  private advance(input: EngineInput, outputs: number): void {
    this.lastEntrySeq += 1;
    this.lastSourcePosition = input.sourcePosition;
    this.marketRevision += outputs;
  }

  /** The outputs block of `input` into `w`; returns the number of outputs. */
  private apply(input: EngineInput, w: ByteWriter): number {
    this.out = w;
    this.outCount = 0;
    this.lastOutKind = 0;
    const start = beginOutputs(w);
    if (input.kind === INPUT_PLACE) this.place(input);
    else this.cancel(input);
    endOutputs(w, start, this.outCount);
    return this.outCount;
  }

  private place(input: PlaceInput): void {
    if (input.invalid !== 0) {
      this.emitRejected(input.invalid);
      return;
    }
    if (this.byOrderId.has(input.orderId)) {
      this.emitRejected(REJECT_DUPLICATE_ORDER_ID);
      return;
    }
    const taker = this.track(input.orderId, input.userId);
    this.takerHandle = taker.handle;
    this.takerRested = false;
    this.book.place(taker.handle, taker.owner, input.side, input.type, input.tif, input.priceTicks, input.qtyLots, this);
    if (!this.takerRested) this.forget(taker);
    if (this.outCount === 0) throw new EngineInvariantBroken(`order ${input.orderId} produced no book output`);
  }

  private cancel(input: CancelInput): void {
    const order = this.byOrderId.get(input.orderId);
    if (order === undefined) {
      this.emitRejected(REJECT_UNKNOWN_ORDER);
      return;
    }
    this.takerHandle = order.handle;
    this.book.cancel(order.handle, this);
    if (this.outCount !== 1 || this.lastOutKind !== OUT_CANCELLED) {
      throw new EngineInvariantBroken(`cancel of live order ${input.orderId} answered ${this.outCount} outputs, the last of kind ${this.lastOutKind}`);
    }
    this.forget(order);
  }

  private emitRejected(reason: EngineRejectCode): void {
    writeRejected(this.out, reason);
    this.outCount += 1;
    this.lastOutKind = OUT_REJECTED;
  }

  private track(orderId: string, userId: string): LiveOrder {
    let user = this.users.get(userId);
    if (user === undefined) {
      user = { owner: this.nextOwner++, liveOrders: 0 };
      this.users.set(userId, user);
    }
    user.liveOrders += 1;
    const order: LiveOrder = { handle: this.nextHandle++, orderId, userId, owner: user.owner, user };
    this.byOrderId.set(orderId, order);
    this.byHandle.set(order.handle, order);
    return order;
  }

  private forget(order: LiveOrder): void {
    this.byOrderId.delete(order.orderId);
    this.byHandle.delete(order.handle);
    const user = order.user;
    user.liveOrders -= 1;
    if (user.liveOrders === 0) this.users.delete(order.userId);
  }

  // ---- BookSink: the book reports in handles, the outputs carry the event ids ---------------

  rested(orderId: number, side: BookSide, priceTicks: number, qtyLots: number): void {
    this.expectTaker(orderId, 'rested');
    this.takerRested = true;
    writeRested(this.out, side, priceTicks, qtyLots);
    this.outCount += 1;
    this.lastOutKind = OUT_RESTED;
    this.lastRestedLots = qtyLots;
  }

  trade(makerOrderId: number, _makerOwnerId: number, takerOrderId: number, _takerOwnerId: number,
        _takerSide: BookSide, priceTicks: number, qtyLots: number,
        makerRemainingLots: number, takerRemainingLots: number): void {
    this.expectTaker(takerOrderId, 'trade');
    const maker = this.byHandle.get(makerOrderId);
    if (maker === undefined) throw new EngineInvariantBroken(`book traded against unknown handle ${makerOrderId}`);
    writeTrade(this.out, this.nextTradeSeq++, priceTicks, qtyLots, makerRemainingLots, takerRemainingLots, maker.orderId, maker.userId);
    this.outCount += 1;
    this.lastOutKind = OUT_TRADE;
    if (makerRemainingLots === 0) this.forget(maker);
  }

  cancelled(orderId: number, remainingLots: number): void {
    this.expectTaker(orderId, 'cancelled');
    writeCancelled(this.out, remainingLots);
    this.outCount += 1;
    this.lastOutKind = OUT_CANCELLED;
  }

  expired(orderId: number, remainingLots: number, reason: ExpiryReasonCode): void {
    this.expectTaker(orderId, 'expired');
    writeExpired(this.out, remainingLots, reason);
    this.outCount += 1;
    this.lastOutKind = OUT_EXPIRED;
  }

  rejected(orderId: number, reason: RejectCode): void {
    this.expectTaker(orderId, 'rejected');
    this.emitRejected(reason);
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
      const order: LiveOrder = { handle, orderId, userId, owner, user };
      core.byOrderId.set(orderId, order);
      core.byHandle.set(handle, order);
      core.out = core.scratch;
      core.scratch.reset();
      core.outCount = 0;
      core.lastOutKind = 0;
      core.takerHandle = handle;
      core.takerRested = false;
      book.place(handle, owner, side, TYPE_LIMIT, TIF_GTC, priceTicks, qtyLots, core);
      if (core.outCount !== 1 || core.lastOutKind !== OUT_RESTED || core.lastRestedLots !== qtyLots) {
        throw new EngineInvariantBroken(`image order ${orderId} did not rest as recorded: ${core.outCount} outputs, the last of kind ${core.lastOutKind}`);
      }
    }
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
