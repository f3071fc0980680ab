import type { Instrument } from '../instrument/types.js';
import type { DomainEvent } from '../shared/events.js';

/**
 * Position of one (user, symbol) — stream `position-{userId}_{symbol}` — and the insurance
 * account's position — stream `position-insurance_{symbol}` (DESIGN §3.4, §5).
 */

export type OrderSide = 'BUY' | 'SELL';
export type PositionSide = 'LONG' | 'SHORT';
export type Liquidity = 'MAKER' | 'TAKER';
export type Intent = 'INCREASE' | 'REDUCE' | 'CLOSE' | 'FLIP';

/** The userId of the platform's insurance account; its position has no margin and no freeze. */
export const INSURANCE_USER_ID = 'insurance';

/** The instrument parameters the position needs (any full Instrument fits). */
export type PositionInstrument = Omit<Instrument, 'quoteAsset' | 'marketProtection'>;

/** Reservation of close quantity by one order; the list is kept oldest first. */
export interface Reservation {
  orderId: string;
  qty: string;
}

/**
 * What the position remembers of one of its open orders (DESIGN §8: only while the order is open).
 * `accepted` turns true at PositionOrderTracked; from then on the frozen amounts are known.
 */
export interface TrackedOrder {
  orderId: string;
  side: OrderSide;
  orderQty: string;
  reduceOnly: boolean;
  intent: Intent;
  closeQty: string;
  openQty: string;
  accepted: boolean;
  leverage: number;
  /** the price the freeze was computed at (limit or protected) */
  price: string;
  /** open quantity still covered by the freeze (settlement detail 2: R) */
  openQtyCovered: string;
  frozenMargin: string;
  frozenFee: string;
}

/** The last settled leg: enough to tell a duplicate from a different leg reusing the key. */
export interface SettledLeg {
  tradeId: string;
  seq: number;
  fingerprint: string;
}

/** A request id (leverage, liquidation, take-over) with its payload fingerprint. */
export interface RememberedRequest {
  key: string;
  fingerprint: string;
}

export interface PositionState {
  userId: string | null;
  symbol: string | null;
  /** null: the instrument's default leverage applies */
  leverage: number | null;
  side: PositionSide | null;
  qty: string;
  /** Σ p·q·cs of the open fills still held (exact, DESIGN §4) */
  entryNotional: string;
  margin: string;
  /** gross, accumulated since the position was last opened from flat (DESIGN §10) */
  realizedPnl: string;
  reservations: Reservation[];
  orders: Record<string, TrackedOrder>;
  /** per-symbol high-water mark of settled trade sequence numbers (DESIGN §8) */
  settledSeq: number;
  lastLeg: SettledLeg | null;
  /** ids of recently ended orders, bounded: a late duplicate of their commands is inert */
  endedOrders: string[];
  /** recent request ids, bounded */
  requests: RememberedRequest[];
}

export const ENDED_ORDERS_MEMORY = 256;
export const REQUESTS_MEMORY = 64;

// ---------------------------------------------------------------------------------------------
// Events (payload fields of DESIGN §3.4 and the domain contract, plus what replay needs)
// ---------------------------------------------------------------------------------------------

interface PositionRef {
  userId: string;
  symbol: string;
}

export interface LeverageSetData extends PositionRef {
  requestId: string;
  leverage: number;
}

export interface PositionReservedData extends PositionRef {
  orderId: string;
  side: OrderSide;
  orderQty: string;
  reduceOnly: boolean;
  intent: Intent;
  closeQty: string;
  openQty: string;
  /** the reserved close quantity (= closeQty) */
  qty: string;
}

export interface PositionReservationReleasedData extends PositionRef {
  orderId: string;
  qty: string;
}

export interface PositionOrderTrackedData extends PositionRef {
  orderId: string;
  side: OrderSide;
  openQty: string;
  frozenMargin: string;
  frozenFee: string;
  leverage: number;
  price: string;
}

/** Every event of a leg names the leg it settles, so replay restores the duplicate filter. */
interface LegRef extends PositionRef {
  orderId: string;
  orderSide: OrderSide;
  tradeId: string;
  seq: number;
  liquidity: Liquidity;
  price: string;
  /** the whole fill quantity of the leg (close + open parts) */
  legQty: string;
}

export interface PositionMarginReleasedData extends LegRef {
  /** side of the position that was closed */
  positionSide: PositionSide;
  flip: boolean;
  qty: string;
  removedCost: string;
  realizedPnl: string;
  marginReleased: string;
  fee: string;
  /** the filling order's own reservation consumed (others' show in PositionReservationsCut) */
  reservationConsumed: string;
}

export interface PositionIncreasedData extends LegRef {
  positionSide: PositionSide;
  flip: boolean;
  qty: string;
  margin: string;
  entryNotional: string;
  /** open quantity taken out of the order's freeze coverage (settlement detail 2) */
  coveredQtyUsed: string;
  frozenMarginUsed: string;
  frozenFeeUsed: string;
  fee: string;
  refund: string;
  feeShortfall: string;
}

export interface PositionCloseToOpenCompensationData extends LegRef {
  positionSide: PositionSide;
  qty: string;
  margin: string;
  entryNotional: string;
  fee: string;
}

export interface PositionReservationsCutData extends PositionRef {
  /** the tradeId or request id whose effect shrank the position */
  cause: string;
  cuts: Record<string, string>;
}

export interface OrderLocksReleasedData extends PositionRef {
  orderId: string;
  reservationReleased: string;
  unfreezeMargin: string;
  unfreezeFee: string;
}

export interface PositionLiquidatedData extends PositionRef {
  requestId: string;
  side: PositionSide;
  price: string;
  qty: string;
  removedCost: string;
  realizedPnl: string;
  marginReleased: string;
  reservationsVoided: Record<string, string>;
}

export interface PositionTransferredInData extends PositionRef {
  requestId: string;
  fromUserId: string;
  side: PositionSide;
  qty: string;
  price: string;
  /** part of an opposite insurance position closed first (netting) */
  closedQty: string;
  removedCost: string;
  realizedPnl: string;
  /** part that opened / increased the insurance position */
  openedQty: string;
  entryNotional: string;
}

export type PositionEvent =
  | DomainEvent<'LeverageSet', LeverageSetData>
  | DomainEvent<'PositionReserved', PositionReservedData>
  | DomainEvent<'PositionReservationReleased', PositionReservationReleasedData>
  | DomainEvent<'PositionOrderTracked', PositionOrderTrackedData>
  | DomainEvent<'PositionMarginReleased', PositionMarginReleasedData>
  | DomainEvent<'PositionIncreased', PositionIncreasedData>
  | DomainEvent<'PositionCloseToOpenCompensation', PositionCloseToOpenCompensationData>
  | DomainEvent<'PositionReservationsCut', PositionReservationsCutData>
  | DomainEvent<'OrderLocksReleased', OrderLocksReleasedData>
  | DomainEvent<'PositionLiquidated', PositionLiquidatedData>
  | DomainEvent<'PositionTransferredIn', PositionTransferredInData>;

export type PositionEventType = PositionEvent['type'];

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export interface SetLeverage {
  type: 'SetLeverage';
  requestId: string;
  userId: string;
  instrument: PositionInstrument;
  leverage: number;
}

/** OrderPlaced → intent and reservation of the close part (DESIGN §5 "Entry"). */
export interface ReserveForOrder {
  type: 'ReserveForOrder';
  userId: string;
  instrument: PositionInstrument;
  orderId: string;
  side: OrderSide;
  qty: string;
  reduceOnly: boolean;
}

/** Rollback of a rejected order's reservation (the freeze failed or the order was rejected). */
export interface ReleaseReservation {
  type: 'ReleaseReservation';
  userId: string;
  instrument: PositionInstrument;
  orderId: string;
}

/** OrderAccepted → the position learns the order's frozen shares. */
export interface TrackAcceptedOrder {
  type: 'TrackAcceptedOrder';
  userId: string;
  instrument: PositionInstrument;
  orderId: string;
  side: OrderSide;
  openQty: string;
  frozenMargin: string;
  frozenFee: string;
  leverage: number;
  price: string;
}

/** One leg (this position's order) of a TradeExecuted, settled in trade sequence order. */
export interface SettleFillLeg {
  type: 'SettleFillLeg';
  userId: string;
  instrument: PositionInstrument;
  tradeId: string;
  seq: number;
  orderId: string;
  side: OrderSide;
  price: string;
  qty: string;
  liquidity: Liquidity;
}

/** The order ended (filled, cancelled, expired): release what it still holds, exactly once. */
export interface EndOrder {
  type: 'EndOrder';
  userId: string;
  instrument: PositionInstrument;
  orderId: string;
}

export interface Liquidate {
  type: 'Liquidate';
  requestId: string;
  userId: string;
  instrument: PositionInstrument;
  price: string;
}

/** On the insurance position: take over a liquidated user's position. */
export interface TransferIn {
  type: 'TransferIn';
  requestId: string;
  instrument: PositionInstrument;
  fromUserId: string;
  side: PositionSide;
  qty: string;
  price: string;
}

export type PositionCommand =
  | SetLeverage
  | ReserveForOrder
  | ReleaseReservation
  | TrackAcceptedOrder
  | SettleFillLeg
  | EndOrder
  | Liquidate
  | TransferIn;
