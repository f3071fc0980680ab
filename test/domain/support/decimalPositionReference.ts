/**
 * The position fold as it was with decimal.js (before money/exactSum, copyState and
 * shared/records), kept verbatim as the reference the exact-integer fold is compared with on
 * generated events, odd values included. applyCuts is its Decimal definition; the bounded
 * memories and the leg fingerprint are the current ones (tested on their own).
 */
import { canonical, dec, type DecimalValue } from '../../../domain/money/decimal.js';
import type { EventLike } from '../../../domain/shared/events.js';
import { assertNever } from '../../../domain/shared/events.js';
import { legFingerprint, rememberEnded, rememberRequest } from '../../../domain/position/state.js';
import type {
  OrderSide,
  PositionEvent,
  PositionEventType,
  PositionSide,
  PositionState,
  Reservation,
  TrackedOrder,
} from '../../../domain/position/types.js';

function c(value: DecimalValue): string {
  return canonical(value);
}

export function applyCuts(reservations: readonly Reservation[], cuts: Readonly<Record<string, string>>): Reservation[] {
  const next: Reservation[] = [];
  for (const r of reservations) {
    const cut = cuts[r.orderId];
    const left = cut === undefined ? dec(r.qty) : dec(r.qty).minus(dec(cut));
    if (left.isNegative()) throw new RangeError(`reservation of ${r.orderId} cut below zero`);
    if (left.greaterThan(0)) next.push({ orderId: r.orderId, qty: c(left) });
  }
  return next;
}

/**
 * Folds one position event. Every amount is taken from the event as decided — evolve computes
 * nothing economic — so replaying the stream reproduces the state exactly.
 */
export function evolveByDecimal(state: PositionState, event: EventLike): PositionState {
  const e = event as PositionEvent;
  const type: PositionEventType = e.type;
  switch (e.type) {
    case 'LeverageSet': {
      const d = e.data;
      return {
        ...identify(state, d),
        leverage: d.leverage,
        requests: rememberRequest(state, { key: `leverage:${d.requestId}`, fingerprint: String(d.leverage) }),
      };
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
      return {
        ...identify(state, d),
        orders: { ...state.orders, [d.orderId]: order },
        reservations: dec(d.qty).greaterThan(0) ? [...state.reservations, { orderId: d.orderId, qty: d.qty }] : state.reservations,
      };
    }
    case 'PositionReservationReleased':
      return forgetOrder(state, e.data.orderId);
    case 'PositionOrderTracked': {
      const d = e.data;
      const order = requireOrder(state, d.orderId, type);
      return {
        ...state,
        orders: {
          ...state.orders,
          [d.orderId]: {
            ...order,
            accepted: true,
            leverage: d.leverage,
            price: d.price,
            openQtyCovered: d.openQty,
            frozenMargin: d.frozenMargin,
            frozenFee: d.frozenFee,
          },
        },
      };
    }
    case 'PositionMarginReleased': {
      const d = e.data;
      const qty = dec(state.qty).minus(d.qty);
      const consumed = d.reservationConsumed === '0' ? {} : { [d.orderId]: d.reservationConsumed };
      return {
        ...settled(state, d),
        side: qty.isZero() ? null : state.side,
        qty: c(qty),
        entryNotional: c(dec(state.entryNotional).minus(d.removedCost)),
        margin: c(dec(state.margin).minus(d.marginReleased)),
        realizedPnl: c(dec(state.realizedPnl).plus(d.realizedPnl)),
        reservations: applyCuts(state.reservations, consumed),
      };
    }
    case 'PositionIncreased': {
      const d = e.data;
      const opened = opening(settled(state, d), d.positionSide, d.qty, d.entryNotional, d.margin);
      const order = state.orders[d.orderId];
      if (order === undefined) return opened;
      return {
        ...opened,
        orders: {
          ...opened.orders,
          [d.orderId]: {
            ...order,
            openQtyCovered: c(dec(order.openQtyCovered).minus(d.coveredQtyUsed)),
            frozenMargin: c(dec(order.frozenMargin).minus(d.frozenMarginUsed)),
            frozenFee: c(dec(order.frozenFee).minus(d.frozenFeeUsed)),
          },
        },
      };
    }
    case 'PositionCloseToOpenCompensation': {
      const d = e.data;
      return opening(settled(state, d), d.positionSide, d.qty, d.entryNotional, d.margin);
    }
    case 'PositionReservationsCut':
      return { ...state, reservations: applyCuts(state.reservations, e.data.cuts) };
    case 'OrderLocksReleased':
      return forgetOrder(state, e.data.orderId);
    case 'PositionLiquidated': {
      const d = e.data;
      return {
        ...identify(state, d),
        side: null,
        qty: c(dec(state.qty).minus(d.qty)),
        entryNotional: c(dec(state.entryNotional).minus(d.removedCost)),
        margin: c(dec(state.margin).minus(d.marginReleased)),
        realizedPnl: c(dec(state.realizedPnl).plus(d.realizedPnl)),
        reservations: [],
        requests: rememberRequest(state, { key: d.requestId, fingerprint: d.price }),
      };
    }
    case 'PositionTransferredIn': {
      const d = e.data;
      const afterClose = dec(state.qty).minus(d.closedQty);
      let next: PositionState = {
        ...identify(state, d),
        side: afterClose.isZero() ? null : state.side,
        qty: c(afterClose),
        entryNotional: c(dec(state.entryNotional).minus(d.removedCost)),
        realizedPnl: c(dec(state.realizedPnl).plus(d.realizedPnl)),
        requests: rememberRequest(state, { key: d.requestId, fingerprint: transferFingerprint(d) }),
      };
      if (dec(d.openedQty).greaterThan(0)) next = opening(next, d.side, d.openedQty, d.entryNotional, '0');
      return next;
    }
    default:
      return assertNever(e, 'position event');
  }
}

function transferFingerprint(d: { fromUserId: string; side: PositionSide; qty: string; price: string }): string {
  return [d.fromUserId, d.side, d.qty, d.price].join('|');
}

function identify(state: PositionState, ref: { userId: string; symbol: string }): PositionState {
  return state.userId === ref.userId && state.symbol === ref.symbol ? state : { ...state, userId: ref.userId, symbol: ref.symbol };
}

function requireOrder(state: PositionState, orderId: string, type: string): TrackedOrder {
  const order = state.orders[orderId];
  if (order === undefined) throw new RangeError(`${type} for unknown order ${orderId}`);
  return order;
}

function forgetOrder(state: PositionState, orderId: string): PositionState {
  const { [orderId]: _gone, ...orders } = state.orders;
  return {
    ...state,
    orders,
    reservations: state.reservations.filter((r) => r.orderId !== orderId),
    endedOrders: rememberEnded(state, orderId),
  };
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

function settled(state: PositionState, d: LegEventData): PositionState {
  return {
    ...identify(state, d),
    settledSeq: d.seq,
    lastLeg: { tradeId: d.tradeId, seq: d.seq, fingerprint: legFingerprint(d) },
  };
}

/** Adds an open part; opening from flat sets the side and restarts the realised PnL (DESIGN §10). */
function opening(state: PositionState, side: PositionSide, qty: string, entryNotional: string, margin: string): PositionState {
  const fromFlat = dec(state.qty).isZero();
  if (!fromFlat && state.side !== side) throw new RangeError(`open ${side} onto a ${state.side} position`);
  return {
    ...state,
    side,
    qty: c(dec(state.qty).plus(qty)),
    entryNotional: c(dec(state.entryNotional).plus(entryNotional)),
    margin: c(dec(state.margin).plus(margin)),
    realizedPnl: fromFlat ? '0' : state.realizedPnl,
  };
}
