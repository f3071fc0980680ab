/**
 * The contract between an order book and the engine that drives it (DESIGN §7).
 * Prices are integer ticks, quantities integer lots, ids small integers chosen by the engine
 * (it maps order ids and user ids to them), so the hot path works on numbers only.
 * Outputs go to a sink of callbacks: no per-command allocation.
 */

export const SIDE_BUY = 0;
export const SIDE_SELL = 1;
export type BookSide = typeof SIDE_BUY | typeof SIDE_SELL;

export const TIF_GTC = 0;
export const TIF_IOC = 1;
export const TIF_FOK = 2;
export const TIF_POST_ONLY = 3;
export type TimeInForceCode = typeof TIF_GTC | typeof TIF_IOC | typeof TIF_FOK | typeof TIF_POST_ONLY;

/** A MARKET order is IOC bounded by its protected price (DESIGN §5): same code path, own reasons. */
export const TYPE_LIMIT = 0;
export const TYPE_MARKET = 1;
export type OrderTypeCode = typeof TYPE_LIMIT | typeof TYPE_MARKET;

/** Expiry reasons, stable numbers (DESIGN §5 "Where a bad order ends"). */
export const EXPIRE_POST_ONLY_WOULD_TAKE = 1;
export const EXPIRE_NO_LIQUIDITY = 2;
export const EXPIRE_SELF_TRADE = 3;
export const EXPIRE_IOC = 4;
export const EXPIRE_FOK = 5;
export const EXPIRE_MARKET_REMAINDER = 6;
export type ExpiryReasonCode = 1 | 2 | 3 | 4 | 5 | 6;

export const EXPIRY_REASON_NAMES: Record<ExpiryReasonCode, string> = {
  1: 'POST_ONLY_WOULD_TAKE',
  2: 'NO_LIQUIDITY',
  3: 'SELF_TRADE',
  4: 'IOC',
  5: 'FOK',
  6: 'MARKET_REMAINDER',
};

/** Rejections by the book itself (result codes, never exceptions on the hot path). */
export const REJECT_DUPLICATE_ORDER_ID = 1;
export const REJECT_UNKNOWN_ORDER = 2;
export const REJECT_INVALID = 3;
export type RejectCode = 1 | 2 | 3;

export interface BookSink {
  /** the (remainder of the) order now rests at priceTicks with qtyLots */
  rested(orderId: number, side: BookSide, priceTicks: number, qtyLots: number): void;
  /** one match at the maker's price; remaining = what each side has left after it */
  trade(makerOrderId: number, makerOwnerId: number, takerOrderId: number, takerOwnerId: number,
        takerSide: BookSide, priceTicks: number, qtyLots: number,
        makerRemainingLots: number, takerRemainingLots: number): void;
  cancelled(orderId: number, remainingLots: number): void;
  expired(orderId: number, remainingLots: number, reason: ExpiryReasonCode): void;
  rejected(orderId: number, reason: RejectCode): void;
}

export interface RestingOrderVisitor {
  (orderId: number, ownerId: number, side: BookSide, priceTicks: number, qtyLots: number): void;
}

export interface OrderBook {
  /** place a new order; priceTicks is the limit price, or the protected price of a MARKET order */
  place(orderId: number, ownerId: number, side: BookSide, type: OrderTypeCode, tif: TimeInForceCode,
        priceTicks: number, qtyLots: number, sink: BookSink): void;
  /** cancel a resting order; unknown or already-ended ids are rejected with REJECT_UNKNOWN_ORDER */
  cancel(orderId: number, sink: BookSink): void;
  /** resting orders: bids best-first then asks best-first, each level in time priority */
  forEachResting(visit: RestingOrderVisitor): void;
  restingCount(): number;
  bestBid(): number | undefined;
  bestAsk(): number | undefined;
  /** aggregated levels best-first: [priceTicks, qtyLots][] (for depth hashes and read models) */
  depth(side: BookSide, maxLevels: number): Array<[number, number]>;
}
