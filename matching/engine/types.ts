/**
 * The engine's compact input and output records: what the WAL stores and what the pure step
 * (core.ts) consumes and produces. Prices are ticks, quantities lots; order and user ids stay the
 * strings of the events, so an entry can be published without any engine state.
 */
import type { BookSide, ExpiryReasonCode, OrderTypeCode, TimeInForceCode } from '../book/types.js';

export const INPUT_PLACE = 1;
export const INPUT_CANCEL = 2;

/** Metadata of the source event, copied onto every market event the input causes (DESIGN §3.4). */
export interface InputSource {
  /** the store position of the source event: restart resumes strictly after it */
  sourcePosition: string;
  eventId: string;
  correlationId: string;
  occurredAt: string;
}

export interface PlaceInput extends InputSource {
  kind: typeof INPUT_PLACE;
  orderId: string;
  userId: string;
  side: BookSide;
  type: OrderTypeCode;
  tif: TimeInForceCode;
  /** 0 when `invalid` is set */
  priceTicks: number;
  qtyLots: number;
  /** REJECT_* code found while translating the event (off grid, bad field); 0 when valid */
  invalid: EngineRejectCode | 0;
}

export interface CancelInput extends InputSource {
  kind: typeof INPUT_CANCEL;
  orderId: string;
}

export type EngineInput = PlaceInput | CancelInput;

/**
 * Rejections, stable numbers. 1–3 are the book's own codes (matching/book/types.ts); the others
 * are found by the engine before the book sees the order. Precedence when translating an
 * OrderAccepted: BAD_FIELD (side/type/timeInForce/userId), PRICE_*, QTY_*.
 */
export const REJECT_DUPLICATE_ORDER_ID = 1;
export const REJECT_UNKNOWN_ORDER = 2;
export const REJECT_INVALID = 3;
export const REJECT_BAD_FIELD = 10;
export const REJECT_PRICE_NOT_DECIMAL = 11;
export const REJECT_PRICE_NOT_POSITIVE = 12;
export const REJECT_PRICE_OFF_TICK_GRID = 13;
export const REJECT_PRICE_TOO_LARGE = 14;
export const REJECT_QTY_NOT_DECIMAL = 21;
export const REJECT_QTY_NOT_POSITIVE = 22;
export const REJECT_QTY_OFF_LOT_GRID = 23;
export const REJECT_QTY_TOO_LARGE = 24;
export type EngineRejectCode = 1 | 2 | 3 | 10 | 11 | 12 | 13 | 14 | 21 | 22 | 23 | 24;

export const REJECT_REASON_NAMES: Record<EngineRejectCode, string> = {
  1: 'DUPLICATE_ORDER_ID',
  2: 'UNKNOWN_ORDER',
  3: 'INVALID_ORDER',
  10: 'BAD_FIELD',
  11: 'PRICE_NOT_DECIMAL',
  12: 'PRICE_NOT_POSITIVE',
  13: 'PRICE_OFF_TICK_GRID',
  14: 'PRICE_TOO_LARGE',
  21: 'QTY_NOT_DECIMAL',
  22: 'QTY_NOT_POSITIVE',
  23: 'QTY_OFF_LOT_GRID',
  24: 'QTY_TOO_LARGE',
};

export const OUT_RESTED = 1;
export const OUT_TRADE = 2;
export const OUT_CANCELLED = 3;
export const OUT_EXPIRED = 4;
export const OUT_REJECTED = 5;

/** Every output concerns the input's order; a trade also names its maker. */
export type EngineOutput =
  | { kind: typeof OUT_RESTED; side: BookSide; priceTicks: number; qtyLots: number }
  | {
      kind: typeof OUT_TRADE;
      /** per-symbol trade sequence, from 1 */
      seq: number;
      makerOrderId: string;
      makerUserId: string;
      priceTicks: number;
      qtyLots: number;
      makerRemainingLots: number;
      takerRemainingLots: number;
    }
  | { kind: typeof OUT_CANCELLED; remainingLots: number }
  | { kind: typeof OUT_EXPIRED; remainingLots: number; reason: ExpiryReasonCode }
  | { kind: typeof OUT_REJECTED; reason: EngineRejectCode };

/** One WAL record: an input, everything it caused, and where its market events go. */
export interface WalEntry {
  /** 1, 2, 3, … without gaps */
  entrySeq: number;
  /** revision of market-{symbol} after the previous entry's events; −1 = the stream does not exist yet */
  expectedMarketRevision: number;
  input: EngineInput;
  outputs: EngineOutput[];
}
