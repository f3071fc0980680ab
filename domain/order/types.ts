import type { DomainEvent } from '../shared/events.js';
import type { Liquidity, Side } from '../shared/types.js';
import type { Instrument } from '../instrument/types.js';

export type OrderType = 'LIMIT' | 'MARKET';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';
export type OrderStatus = 'PENDING' | 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'EXPIRED' | 'REJECTED';
export type Intent = 'INCREASE' | 'REDUCE' | 'CLOSE' | 'FLIP';

/** Stateful rejections in DESIGN §5 precedence order (the first that applies wins). */
export const REJECT_REASONS = ['REDUCE_ONLY_WOULD_OPEN', 'ACCOUNT_IN_DEFICIT', 'NO_MARK_PRICE', 'INSUFFICIENT_MARGIN'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Outcomes of matching that end a NEW order EXPIRED (DESIGN §5). */
export const EXPIRE_REASONS = ['POST_ONLY_WOULD_TAKE', 'NO_LIQUIDITY', 'SELF_TRADE', 'IOC', 'FOK', 'MARKET_REMAINDER'] as const;
export type ExpireReason = (typeof EXPIRE_REASONS)[number];

/** placeOrder input as the API receives it (strings for decimals, optional defaults). */
export interface PlaceOrderInput {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce?: TimeInForce;
  price?: string | null;
  qty: string;
  reduceOnly?: boolean;
}

/** A validated order: canonical decimals, MARKET orders carry no price and are IOC or FOK. */
export interface ValidOrder {
  symbol: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  price: string | null;
  qty: string;
  reduceOnly: boolean;
}

export interface OrderState {
  status: OrderStatus | undefined;
  placed: (ValidOrder & { orderId: string; userId: string; clientOrderId: string }) | undefined;
  accepted: OrderAcceptedData | undefined;
  rejectReason: RejectReason | undefined;
  expireReason: ExpireReason | undefined;
  cancelRequested: boolean;
  filledQty: string;
  /** Σ price × qty of the fills (exact); averageFillPrice = this / filledQty (cs cancels) */
  filledPriceQty: string;
  feeTotal: string;
  /** tradeId → fingerprint; an order's fills are bounded by its quantity in lots */
  fills: Array<[string, string]>;
}

// ----- commands -----

export interface PlaceOrder {
  type: 'PlaceOrder';
  orderId: string;
  userId: string;
  clientOrderId: string;
  input: PlaceOrderInput;
  /** the listed instrument of input.symbol; undefined when unknown */
  instrument: Instrument | undefined;
}

/** What the workflow decided when it accepted an order (the command and the event carry it alike). */
export interface AcceptanceTerms {
  intent: Intent;
  closeQty: string;
  openQty: string;
  leverage: number;
  /** the price the freeze used: the limit price, or the protected price of a MARKET order */
  protectedPrice: string | null;
  frozenMargin: string;
  frozenFee: string;
}

export interface AcceptOrder extends AcceptanceTerms {
  type: 'AcceptOrder';
  orderId: string;
}

export interface RejectOrder {
  type: 'RejectOrder';
  orderId: string;
  reason: RejectReason;
}

export interface RequestCancel {
  type: 'RequestCancel';
  orderId: string;
  userId: string;
}

export interface RecordFill {
  type: 'RecordFill';
  orderId: string;
  tradeId: string;
  qty: string;
  price: string;
  fee: string;
  liquidity: Liquidity;
}

/** The book ended the order: cancelled on request, or expired with a matching outcome. */
export interface EndOrder {
  type: 'EndOrder';
  orderId: string;
  outcome: 'CANCELLED' | 'EXPIRED';
  reason?: ExpireReason;
}

export type OrderCommand = PlaceOrder | AcceptOrder | RejectOrder | RequestCancel | RecordFill | EndOrder;

// ----- events -----

export interface OrderPlacedData extends ValidOrder {
  orderId: string;
  userId: string;
  clientOrderId: string;
}

/** The order's own fields (so the matching engine needs no other input than this event) and the terms. */
export interface OrderAcceptedData extends ValidOrder, AcceptanceTerms {
  orderId: string;
  userId: string;
  /**
   * true when a cancel arrived while the order was PENDING: an OrderCancelled follows in the same
   * append, and the matching engine must not take the order into its book.
   */
  cancelledAtAcceptance: boolean;
}

export interface OrderRejectedData { orderId: string; userId: string; symbol: string; reason: RejectReason }
export interface OrderCancelRequestedData { orderId: string; userId: string; symbol: string }
export interface OrderFillData {
  orderId: string;
  userId: string;
  symbol: string;
  tradeId: string;
  qty: string;
  price: string;
  fee: string;
  liquidity: Liquidity;
  filledQty: string;
  remainingQty: string;
  averageFillPrice: string;
  feeTotal: string;
}
export interface OrderCancelledData { orderId: string; userId: string; symbol: string; filledQty: string; remainingQty: string }
export interface OrderExpiredData extends OrderCancelledData { reason: ExpireReason }

export type OrderEvent =
  | DomainEvent<'OrderPlaced', OrderPlacedData>
  | DomainEvent<'OrderAccepted', OrderAcceptedData>
  | DomainEvent<'OrderRejected', OrderRejectedData>
  | DomainEvent<'OrderCancelRequested', OrderCancelRequestedData>
  | DomainEvent<'OrderPartiallyFilled', OrderFillData>
  | DomainEvent<'OrderFilled', OrderFillData>
  | DomainEvent<'OrderCancelled', OrderCancelledData>
  | DomainEvent<'OrderExpired', OrderExpiredData>;

/** The events that end an accepted order: each triggers the one release of its locks. */
export const ORDER_END_EVENTS = ['OrderFilled', 'OrderCancelled', 'OrderExpired'] as const;

export function isOrderEnd(type: string): boolean {
  return (ORDER_END_EVENTS as readonly string[]).includes(type);
}
