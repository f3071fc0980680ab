import { minusCanonical, plusCanonical } from '../money/exactSum.js';
import type { EventLike } from '../shared/events.js';
import { assertNever } from '../shared/events.js';
import { withEntry, withoutEntry } from '../shared/records.js';
import { isPositiveAmount, isZeroAmount } from './amounts.js';
import { applyCuts, copyOrder, copyState, legFingerprint, rememberEnded, rememberRequest } from './state.js';
import type {
  OrderSide,
  PositionEvent,
  PositionEventType,
  PositionSide,
  PositionState,
  TrackedOrder,
} from './types.js';

/**
 * Folds one position event. Every amount is taken from the event as decided — evolve computes
 * nothing economic — so replaying the stream reproduces the state exactly.
 *
 * A full-history replay folds every position event, so each case builds its result with one
 * copy (copyState: a literal in the state's key order, then filled in before anyone sees it) and
 * adds amounts as exact minor units (plusCanonical / minusCanonical, decimal.js off the scale):
 * the same strings and the same key order as the spreads and Decimal expressions they replace.
 */
export function evolve(state: PositionState, event: EventLike): PositionState {
  const e = event as PositionEvent;
  const type: PositionEventType = e.type;
  switch (e.type) {
    case 'LeverageSet': {
      const d = e.data;
      const next = identified(state, d);
      next.leverage = d.leverage;
      next.requests = rememberRequest(state, { key: `leverage:${d.requestId}`, fingerprint: String(d.leverage) });
      return next;
    }
    case 'PositionReserved': {
      const d = e.data;
      const order: TrackedOrder = {
        orderId: d.orderId,
        side: d.side,
        orderQty: d.orderQty,
        reduceOnly: d.reduceOnly,
        intent: d.intent,
        closeQty: d.closeQty,
        openQty: d.openQty,
        accepted: false,
        leverage: 0,
        price: '0',
        openQtyCovered: '0',
        frozenMargin: '0',
        frozenFee: '0',
      };
      const next = identified(state, d);
      next.orders = withEntry(state.orders, d.orderId, order);
      if (isPositiveAmount(d.qty)) next.reservations = [...state.reservations, { orderId: d.orderId, qty: d.qty }];
      return next;
    }
    case 'PositionReservationReleased':
      return forgetOrder(state, e.data.orderId);
    case 'PositionOrderTracked': {
      const d = e.data;
      const order = requireOrder(state, d.orderId, type);
      const next = copyState(state);
      const tracked = copyOrder(order);
      tracked.accepted = true;
      tracked.leverage = d.leverage;
      tracked.price = d.price;
      tracked.openQtyCovered = d.openQty;
      tracked.frozenMargin = d.frozenMargin;
      tracked.frozenFee = d.frozenFee;
      next.orders = withEntry(state.orders, d.orderId, tracked);
      return next;
    }
    case 'PositionMarginReleased': {
      const d = e.data;
      const qty = minusCanonical(state.qty, d.qty);
      const consumed = d.reservationConsumed === '0' ? NO_CUTS : { [d.orderId]: d.reservationConsumed };
      const next = settled(state, d);
      next.side = qty === '0' ? null : state.side;
      next.qty = qty;
      next.entryNotional = minusCanonical(state.entryNotional, d.removedCost);
      next.margin = minusCanonical(state.margin, d.marginReleased);
      next.realizedPnl = plusCanonical(state.realizedPnl, d.realizedPnl);
      next.reservations = applyCuts(state.reservations, consumed);
      return next;
    }
    case 'PositionIncreased': {
      const d = e.data;
      const next = opening(settled(state, d), d.positionSide, d.qty, d.entryNotional, d.margin);
      const order = state.orders[d.orderId];
      if (order === undefined) return next;
      const used = copyOrder(order);
      used.openQtyCovered = minusCanonical(order.openQtyCovered, d.coveredQtyUsed);
      used.frozenMargin = minusCanonical(order.frozenMargin, d.frozenMarginUsed);
      used.frozenFee = minusCanonical(order.frozenFee, d.frozenFeeUsed);
      next.orders = withEntry(next.orders, d.orderId, used);
      return next;
    }
    case 'PositionCloseToOpenCompensation': {
      const d = e.data;
      return opening(settled(state, d), d.positionSide, d.qty, d.entryNotional, d.margin);
    }
    case 'PositionReservationsCut': {
      const next = copyState(state);
      next.reservations = applyCuts(state.reservations, e.data.cuts);
      return next;
    }
    case 'OrderLocksReleased':
      return forgetOrder(state, e.data.orderId);
    case 'PositionLiquidated': {
      const d = e.data;
      const next = identified(state, d);
      next.side = null;
      next.qty = minusCanonical(state.qty, d.qty);
      next.entryNotional = minusCanonical(state.entryNotional, d.removedCost);
      next.margin = minusCanonical(state.margin, d.marginReleased);
      next.realizedPnl = plusCanonical(state.realizedPnl, d.realizedPnl);
      next.reservations = [];
      next.requests = rememberRequest(state, { key: d.requestId, fingerprint: d.price });
      return next;
    }
    case 'PositionTransferredIn': {
      const d = e.data;
      const afterClose = minusCanonical(state.qty, d.closedQty);
      const next = identified(state, d);
      next.side = afterClose === '0' ? null : state.side;
      next.qty = afterClose;
      next.entryNotional = minusCanonical(state.entryNotional, d.removedCost);
      next.realizedPnl = plusCanonical(state.realizedPnl, d.realizedPnl);
      next.requests = rememberRequest(state, { key: d.requestId, fingerprint: transferFingerprint(d) });
      return isPositiveAmount(d.openedQty) ? opening(next, d.side, d.openedQty, d.entryNotional, '0') : next;
    }
    default:
      return assertNever(e, 'position event');
  }
}

export function transferFingerprint(d: { fromUserId: string; side: PositionSide; qty: string; price: string }): string {
  return [d.fromUserId, d.side, d.qty, d.price].join('|');
}

const NO_CUTS: Readonly<Record<string, string>> = Object.freeze({});

/** a fresh copy of the state (the caller's to fill in) naming the event's position */
function identified(state: PositionState, ref: { userId: string; symbol: string }): PositionState {
  const next = copyState(state);
  next.userId = ref.userId;
  next.symbol = ref.symbol;
  return next;
}

function requireOrder(state: PositionState, orderId: string, type: string): TrackedOrder {
  const order = state.orders[orderId];
  if (order === undefined) throw new RangeError(`${type} for unknown order ${orderId}`);
  return order;
}

function forgetOrder(state: PositionState, orderId: string): PositionState {
  const next = copyState(state);
  next.orders = withoutEntry(state.orders, orderId);
  next.reservations = state.reservations.filter((r) => r.orderId !== orderId);
  next.endedOrders = rememberEnded(state, orderId);
  return next;
}

interface LegEventData {
  userId: string;
  symbol: string;
  orderId: string;
  orderSide: OrderSide;
  tradeId: string;
  seq: number;
  price: string;
  legQty: string;
  liquidity: string;
}

/** a fresh copy (the caller's to fill in) with the leg recorded as settled */
function settled(state: PositionState, d: LegEventData): PositionState {
  const next = identified(state, d);
  next.settledSeq = d.seq;
  next.lastLeg = { tradeId: d.tradeId, seq: d.seq, fingerprint: legFingerprint(d) };
  return next;
}

/**
 * Adds an open part; opening from flat sets the side and restarts the realised PnL (DESIGN §10).
 * `fresh` is a copy made by this fold and not yet returned, so it is completed in place.
 */
function opening(fresh: PositionState, side: PositionSide, qty: string, entryNotional: string, margin: string): PositionState {
  const fromFlat = isZeroAmount(fresh.qty);
  if (!fromFlat && fresh.side !== side) throw new RangeError(`open ${side} onto a ${fresh.side} position`);
  fresh.side = side;
  fresh.qty = plusCanonical(fresh.qty, qty);
  fresh.entryNotional = plusCanonical(fresh.entryNotional, entryNotional);
  fresh.margin = plusCanonical(fresh.margin, margin);
  if (fromFlat) fresh.realizedPnl = '0';
  return fresh;
}
