import { canonical, dec, sum, type DecimalValue } from '../money/decimal.js';
import { canonicalPositiveMinor, minorToCanonical, parseMinor } from '../money/exactSum.js';
import { appendBounded } from '../shared/bounded.js';
import {
  ENDED_ORDERS_MEMORY,
  REQUESTS_MEMORY,
  type OrderSide,
  type PositionSide,
  type PositionState,
  type RememberedRequest,
  type Reservation,
  type TrackedOrder,
} from './types.js';

export function initialState(): PositionState {
  return {
    userId: null,
    symbol: null,
    leverage: null,
    side: null,
    qty: '0',
    entryNotional: '0',
    margin: '0',
    realizedPnl: '0',
    reservations: [],
    orders: {},
    settledSeq: -1,
    lastLeg: null,
    endedOrders: [],
    requests: [],
  };
}

/**
 * A shallow copy of the state as a literal in initialState's key order (the order of every state:
 * each one starts from initialState or from a copy of one), which is what `{ ...state }` gives
 * without the generic spread. Folds fill in the copy before returning it; no state is changed
 * once returned, so deciders and caches may keep old states.
 */
export function copyState(s: PositionState): PositionState {
  return {
    userId: s.userId,
    symbol: s.symbol,
    leverage: s.leverage,
    side: s.side,
    qty: s.qty,
    entryNotional: s.entryNotional,
    margin: s.margin,
    realizedPnl: s.realizedPnl,
    reservations: s.reservations,
    orders: s.orders,
    settledSeq: s.settledSeq,
    lastLeg: s.lastLeg,
    endedOrders: s.endedOrders,
    requests: s.requests,
  };
}

/** `{ ...order }` as a literal in the key order every tracked order has (PositionReserved makes them so) */
export function copyOrder(o: TrackedOrder): TrackedOrder {
  return {
    orderId: o.orderId,
    side: o.side,
    orderQty: o.orderQty,
    reduceOnly: o.reduceOnly,
    intent: o.intent,
    closeQty: o.closeQty,
    openQty: o.openQty,
    accepted: o.accepted,
    leverage: o.leverage,
    price: o.price,
    openQtyCovered: o.openQtyCovered,
    frozenMargin: o.frozenMargin,
    frozenFee: o.frozenFee,
  };
}

export function c(value: DecimalValue): string {
  return canonical(value);
}

export function positionSideOf(orderSide: OrderSide): PositionSide {
  return orderSide === 'BUY' ? 'LONG' : 'SHORT';
}

export function oppositeSide(side: PositionSide): PositionSide {
  return side === 'LONG' ? 'SHORT' : 'LONG';
}

export function reservedTotal(reservations: readonly Reservation[]): string {
  return c(sum(reservations.map((r) => r.qty)));
}

export function reservationOf(state: PositionState, orderId: string): string {
  return state.reservations.find((r) => r.orderId === orderId)?.qty ?? '0';
}

/** Lower each order's reservation by its cut, dropping those that reach zero; order is kept. */
export function applyCuts(reservations: readonly Reservation[], cuts: Readonly<Record<string, string>>): Reservation[] {
  const next: Reservation[] = [];
  for (const r of reservations) {
    const cut = cuts[r.orderId];
    // a canonical positive quantity on the scale (every reservation the fold makes) with a cut on
    // the scale: exact minor units; the Decimal expressions below decide everything else
    const qty = canonicalPositiveMinor(r.qty);
    if (qty > 0) {
      if (cut === undefined) {
        next.push({ orderId: r.orderId, qty: r.qty });
        continue;
      }
      const cutMinor = parseMinor(cut);
      const leftMinor = cutMinor === undefined ? NaN : qty - cutMinor;
      if (Number.isSafeInteger(leftMinor)) {
        if (leftMinor < 0) throw new RangeError(`reservation of ${r.orderId} cut below zero`);
        if (leftMinor > 0) next.push({ orderId: r.orderId, qty: minorToCanonical(leftMinor) });
        continue;
      }
    }
    const left = cut === undefined ? dec(r.qty) : dec(r.qty).minus(dec(cut));
    if (left.isNegative()) throw new RangeError(`reservation of ${r.orderId} cut below zero`);
    if (left.greaterThan(0)) next.push({ orderId: r.orderId, qty: c(left) });
  }
  return next;
}

export function rememberEnded(state: PositionState, orderId: string): string[] {
  return appendBounded(state.endedOrders, orderId, ENDED_ORDERS_MEMORY);
}

export function rememberRequest(state: PositionState, request: RememberedRequest): RememberedRequest[] {
  return appendBounded(state.requests, request, REQUESTS_MEMORY);
}

export function findRequest(state: PositionState, key: string): RememberedRequest | undefined {
  return state.requests.find((r) => r.key === key);
}

/** Identity of a leg's command payload, to tell a duplicate from a different leg under the same key. */
export function legFingerprint(leg: { orderId: string; orderSide: OrderSide; price: string; legQty: string; liquidity: string }): string {
  // the text of [orderId, orderSide, price, legQty, liquidity].join('|'), without the array (every leg settled makes one)
  return `${joinPart(leg.orderId)}|${joinPart(leg.orderSide)}|${joinPart(leg.price)}|${joinPart(leg.legQty)}|${joinPart(leg.liquidity)}`;
}

/** an element as Array.prototype.join writes it: null and undefined as nothing */
function joinPart(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** Newest-first cuts of other orders' reservations so that at most `need` quantity is taken. */
export function cutNewestFirst(reservations: readonly Reservation[], need: DecimalValue, except?: string): Record<string, string> {
  let left = dec(need);
  const cuts: Record<string, string> = {};
  for (let i = reservations.length - 1; i >= 0 && left.greaterThan(0); i--) {
    const r = reservations[i]!;
    if (r.orderId === except) continue;
    const take = dec(r.qty).lessThan(left) ? dec(r.qty) : left;
    if (take.greaterThan(0)) {
      cuts[r.orderId] = c(take);
      left = left.minus(take);
    }
  }
  return cuts;
}
