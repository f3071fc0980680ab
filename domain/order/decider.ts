import { canonical, dec } from '../money/decimal.js';
import { display } from '../money/rules.js';
import { nonNegativeAmount } from '../money/amounts.js';
import { fingerprint } from '../shared/bounded.js';
import { DomainError, DomainInvariantError, idempotencyKeyReused } from '../shared/errors.js';
import { assertNever, type Decider, type EventLike } from '../shared/events.js';
import type {
  AcceptOrder, EndOrder, OrderAcceptedData, OrderCommand, OrderEvent, OrderFillData, OrderState, PlaceOrder, RecordFill, RejectOrder, RequestCancel,
} from './types.js';
import { EXPIRE_REASONS, REJECT_REASONS } from './types.js';
import { validatePlaceOrder } from './validate.js';

/**
 * The Order aggregate (stream order-{orderId}):
 * PENDING → NEW → PARTIALLY_FILLED → FILLED | CANCELLED | EXPIRED, or PENDING → REJECTED.
 * Keys: OrderPlaced orderId; OrderAccepted / OrderRejected `{orderId}:ACCEPT` (one decision);
 * OrderCancelRequested `{orderId}:CANCEL`; fills their tradeId; OrderCancelled / OrderExpired
 * `{orderId}:END`. Exactly one end event per accepted order (OrderFilled counts as the end).
 */

export const acceptKey = (orderId: string) => `${orderId}:ACCEPT`;
export const cancelKey = (orderId: string) => `${orderId}:CANCEL`;
export const orderEndKey = (orderId: string) => `${orderId}:END`;

export function initialState(): OrderState {
  return {
    status: undefined, placed: undefined, accepted: undefined, rejectReason: undefined, expireReason: undefined,
    cancelRequested: false, filledQty: '0', filledPriceQty: '0', feeTotal: '0', fills: [],
  };
}

const fillFingerprint = (d: { qty: string; price: string; fee: string; liquidity: string }) => fingerprint(d.qty, d.price, d.fee, d.liquidity);

export function evolve(state: OrderState, event: EventLike): OrderState {
  const e = event as OrderEvent;
  switch (e.type) {
    case 'OrderPlaced': {
      const { orderId, userId, clientOrderId, symbol, side, type, timeInForce, price, qty, reduceOnly } = e.data;
      return { ...state, status: 'PENDING', placed: { orderId, userId, clientOrderId, symbol, side, type, timeInForce, price, qty, reduceOnly } };
    }
    case 'OrderAccepted':
      return { ...state, status: 'NEW', accepted: e.data };
    case 'OrderRejected':
      return { ...state, status: 'REJECTED', rejectReason: e.data.reason };
    case 'OrderCancelRequested':
      return { ...state, cancelRequested: true };
    case 'OrderPartiallyFilled':
    case 'OrderFilled':
      return {
        ...state,
        status: e.type === 'OrderFilled' ? 'FILLED' : 'PARTIALLY_FILLED',
        filledQty: e.data.filledQty,
        filledPriceQty: canonical(dec(state.filledPriceQty).plus(dec(e.data.price).times(e.data.qty))),
        feeTotal: e.data.feeTotal,
        fills: [...state.fills, [e.data.tradeId, fillFingerprint(e.data)]],
      };
    case 'OrderCancelled':
      return { ...state, status: 'CANCELLED' };
    case 'OrderExpired':
      return { ...state, status: 'EXPIRED', expireReason: e.data.reason };
    default:
      return state;
  }
}

export function isTerminal(state: OrderState): boolean {
  return state.status === 'FILLED' || state.status === 'CANCELLED' || state.status === 'EXPIRED' || state.status === 'REJECTED';
}

export function remainingQty(state: OrderState): string {
  return state.placed ? canonical(dec(state.placed.qty).minus(state.filledQty)) : '0';
}

/** Σ fill notional / Σ qty·cs at 8 dp half-even (cs cancels); undefined before the first fill. */
export function averageFillPrice(state: Pick<OrderState, 'filledQty' | 'filledPriceQty'>): string | undefined {
  const q = dec(state.filledQty);
  return q.isZero() ? undefined : canonical(display(dec(state.filledPriceQty).dividedBy(q)));
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return place(command, state);
    case 'AcceptOrder':
      return accept(command, state);
    case 'RejectOrder':
      return reject(command, state);
    case 'RequestCancel':
      return requestCancel(command, state);
    case 'RecordFill':
      return recordFill(command, state);
    case 'EndOrder':
      return end(command, state);
    default:
      return assertNever(command, 'order command');
  }
}

/** Stateless validation first (BAD_USER_INPUT), then the repeated clientOrderId. */
function place(c: PlaceOrder, state: OrderState): OrderEvent[] {
  const order = validatePlaceOrder(c.input, c.instrument);
  const data = { orderId: c.orderId, userId: c.userId, clientOrderId: c.clientOrderId, ...order };
  if (state.placed) {
    if (JSON.stringify(state.placed) !== JSON.stringify(data)) throw idempotencyKeyReused(c.clientOrderId);
    return [];
  }
  return [{ type: 'OrderPlaced', key: c.orderId, data }];
}

/**
 * The one NOT_FOUND of an order: a missing order and another user's answer exactly alike (no
 * existence leak) — the command API uses it for an order stream that does not exist.
 */
export function orderNotFound(orderId: string): DomainError {
  return new DomainError('NOT_FOUND', `order ${orderId} not found`);
}

function placedOrThrow(state: OrderState, orderId: string) {
  if (!state.placed || state.placed.orderId !== orderId) throw orderNotFound(orderId);
  return state.placed;
}

/**
 * What a repeated acceptance must match, field by field: stored events may list the fields in
 * another order (JSON order is not part of the payload), and cancelledAtAcceptance records when
 * the cancel arrived, not what was decided.
 */
function acceptanceFingerprint(d: OrderAcceptedData): string {
  return fingerprint(
    d.orderId, d.userId, d.symbol, d.side, d.type, d.timeInForce, d.price, d.qty, d.reduceOnly,
    d.intent, d.closeQty, d.openQty, d.leverage, d.protectedPrice, d.frozenMargin, d.frozenFee,
  );
}

function accept(c: AcceptOrder, state: OrderState): OrderEvent[] {
  const placed = placedOrThrow(state, c.orderId);
  const data: OrderAcceptedData = {
    orderId: c.orderId, userId: placed.userId, symbol: placed.symbol,
    side: placed.side, type: placed.type, timeInForce: placed.timeInForce, price: placed.price, qty: placed.qty, reduceOnly: placed.reduceOnly,
    intent: c.intent, closeQty: c.closeQty, openQty: c.openQty,
    leverage: c.leverage, protectedPrice: c.protectedPrice, frozenMargin: c.frozenMargin, frozenFee: c.frozenFee,
    cancelledAtAcceptance: state.cancelRequested,
  };
  if (state.accepted) {
    if (acceptanceFingerprint(state.accepted) !== acceptanceFingerprint(data)) throw idempotencyKeyReused(acceptKey(c.orderId));
    return [];
  }
  if (state.status !== 'PENDING') throw new DomainInvariantError(`order ${c.orderId} is ${state.status}: it cannot be accepted`);
  if (!dec(c.closeQty).plus(c.openQty).equals(placed.qty)) throw new DomainInvariantError(`order ${c.orderId}: closeQty ${c.closeQty} + openQty ${c.openQty} ≠ qty ${placed.qty}`);
  nonNegativeAmount(c.frozenMargin, 'frozenMargin');
  nonNegativeAmount(c.frozenFee, 'frozenFee');
  const accepted: OrderEvent = { type: 'OrderAccepted', key: acceptKey(c.orderId), data };
  if (!state.cancelRequested) return [accepted];
  // a cancel that arrived while PENDING ends the order at acceptance; its locks are released by
  // the same end trigger as any other cancel
  return [accepted, { type: 'OrderCancelled', key: orderEndKey(c.orderId), data: { orderId: c.orderId, userId: placed.userId, symbol: placed.symbol, filledQty: '0', remainingQty: placed.qty } }];
}

function reject(c: RejectOrder, state: OrderState): OrderEvent[] {
  const placed = placedOrThrow(state, c.orderId);
  if (!REJECT_REASONS.includes(c.reason)) throw new DomainInvariantError(`unknown reject reason ${c.reason}`);
  if (state.status === 'REJECTED') {
    if (state.rejectReason !== c.reason) throw idempotencyKeyReused(acceptKey(c.orderId));
    return [];
  }
  if (state.status !== 'PENDING') throw new DomainInvariantError(`order ${c.orderId} is ${state.status}: it cannot be rejected`);
  return [{ type: 'OrderRejected', key: acceptKey(c.orderId), data: { orderId: c.orderId, userId: placed.userId, symbol: placed.symbol, reason: c.reason } }];
}

/** Another user's order answers NOT_FOUND, exactly like a missing one (no existence leak). */
function requestCancel(c: RequestCancel, state: OrderState): OrderEvent[] {
  const placed = placedOrThrow(state, c.orderId);
  if (placed.userId !== c.userId) throw orderNotFound(c.orderId);
  if (isTerminal(state) || state.cancelRequested) return [];
  return [{ type: 'OrderCancelRequested', key: cancelKey(c.orderId), data: { orderId: c.orderId, userId: placed.userId, symbol: placed.symbol } }];
}

function recordFill(c: RecordFill, state: OrderState): OrderEvent[] {
  const placed = placedOrThrow(state, c.orderId);
  const fp = fillFingerprint(c);
  const seen = state.fills.find(([tradeId]) => tradeId === c.tradeId);
  if (seen) {
    if (seen[1] !== fp) throw new DomainInvariantError(`trade ${c.tradeId} recorded for order ${c.orderId} with another payload`);
    return [];
  }
  if (state.status !== 'NEW' && state.status !== 'PARTIALLY_FILLED') throw new DomainInvariantError(`order ${c.orderId} is ${state.status}: it cannot fill`);
  const qty = dec(c.qty);
  const remaining = dec(placed.qty).minus(state.filledQty);
  if (!qty.greaterThan(0) || qty.greaterThan(remaining)) throw new DomainInvariantError(`fill ${c.qty} of order ${c.orderId} with ${canonical(remaining)} remaining`);
  const fee = nonNegativeAmount(c.fee, 'fee');
  const filledQty = dec(state.filledQty).plus(qty);
  const filledPriceQty = dec(state.filledPriceQty).plus(dec(c.price).times(qty));
  const data: OrderFillData = {
    orderId: c.orderId, userId: placed.userId, symbol: placed.symbol, tradeId: c.tradeId, qty: canonical(qty), price: canonical(c.price), fee: canonical(fee),
    liquidity: c.liquidity, filledQty: canonical(filledQty), remainingQty: canonical(remaining.minus(qty)),
    averageFillPrice: averageFillPrice({ filledQty: canonical(filledQty), filledPriceQty: canonical(filledPriceQty) })!,
    feeTotal: canonical(dec(state.feeTotal).plus(fee)),
  };
  return [{ type: remaining.equals(qty) ? 'OrderFilled' : 'OrderPartiallyFilled', key: c.tradeId, data }];
}

function end(c: EndOrder, state: OrderState): OrderEvent[] {
  const placed = placedOrThrow(state, c.orderId);
  if (c.outcome === 'EXPIRED' && (c.reason === undefined || !EXPIRE_REASONS.includes(c.reason))) throw new DomainInvariantError(`expiry of ${c.orderId} without a known reason`);
  if (isTerminal(state)) {
    const same = state.status === c.outcome && (c.outcome === 'CANCELLED' || state.expireReason === c.reason);
    if (!same) throw new DomainInvariantError(`order ${c.orderId} already ended ${state.status}; the book reports ${c.outcome}`);
    return [];
  }
  if (state.status !== 'NEW' && state.status !== 'PARTIALLY_FILLED') throw new DomainInvariantError(`order ${c.orderId} is ${state.status}: the book cannot end it`);
  const base = { orderId: c.orderId, userId: placed.userId, symbol: placed.symbol, filledQty: state.filledQty, remainingQty: remainingQty(state) };
  return c.outcome === 'CANCELLED'
    ? [{ type: 'OrderCancelled', key: orderEndKey(c.orderId), data: base }]
    : [{ type: 'OrderExpired', key: orderEndKey(c.orderId), data: { ...base, reason: c.reason! } }];
}

export const orderDecider: Decider<OrderCommand, OrderState, OrderEvent> = { initialState, evolve, decide };

/** The first stateful rejection that applies, in DESIGN §5 precedence. */
export function firstRejection(reasons: Iterable<(typeof REJECT_REASONS)[number]>): (typeof REJECT_REASONS)[number] | undefined {
  const set = new Set(reasons);
  return REJECT_REASONS.find((r) => set.has(r));
}

