import { dec } from '../money/decimal.js';
import { DomainInvariantError, failedPrecondition, idempotencyKeyReused } from '../shared/errors.js';
import { assertNever } from '../shared/events.js';
import { determineIntent } from './intent.js';
import { liquidate, transferIn } from './liquidation.js';
import { settleFillLeg } from './settle.js';
import { findRequest, reservationOf } from './state.js';
import {
  INSURANCE_USER_ID,
  type EndOrder,
  type PositionCommand,
  type PositionEvent,
  type PositionState,
  type ReleaseReservation,
  type ReserveForOrder,
  type SetLeverage,
  type TrackAcceptedOrder,
} from './types.js';
import { requireLeverage, requireNonNegative, requireOneOf, requireOnGrid, requirePositive } from './validate.js';

/**
 * The position decider. Rejections, in precedence order per command:
 *   SetLeverage      — repeat → []; other payload → IDEMPOTENCY_KEY_REUSED; BAD_USER_INPUT
 *                      INVALID_LEVERAGE; FAILED_PRECONDITION (position or open/pending orders)
 *   ReserveForOrder  — known order → [] / IDEMPOTENCY_KEY_REUSED; recently ended → []; BAD_USER_INPUT
 *                      (qty, side, lot); FAILED_PRECONDITION reason REDUCE_ONLY_WOULD_OPEN
 *   ReleaseReservation — ended → []; unknown → NOT_FOUND; accepted → FAILED_PRECONDITION
 *   TrackAcceptedOrder — tracked with same data → [] / IDEMPOTENCY_KEY_REUSED; ended → [];
 *                      unknown → FAILED_PRECONDITION ORDER_NOT_RESERVED; BAD_USER_INPUT
 *   SettleFillLeg    — see settle.ts; EndOrder — ended → []; unknown/not accepted → FAILED_PRECONDITION
 *   Liquidate / TransferIn — see liquidation.ts
 */
export function decide(command: PositionCommand, state: PositionState): PositionEvent[] {
  const userId = command.type === 'TransferIn' ? INSURANCE_USER_ID : command.userId;
  if (state.userId !== null && (state.userId !== userId || state.symbol !== command.instrument.symbol)) {
    throw new DomainInvariantError(`command for ${userId}/${command.instrument.symbol} sent to position ${state.userId}/${state.symbol}`);
  }
  switch (command.type) {
    case 'SetLeverage':
      return setLeverage(command, state);
    case 'ReserveForOrder':
      return reserveForOrder(command, state);
    case 'ReleaseReservation':
      return releaseReservation(command, state);
    case 'TrackAcceptedOrder':
      return trackAcceptedOrder(command, state);
    case 'SettleFillLeg':
      return settleFillLeg(command, state);
    case 'EndOrder':
      return endOrder(command, state);
    case 'Liquidate':
      return liquidate(command, state);
    case 'TransferIn':
      return transferIn(command, state);
    default:
      return assertNever(command, 'position command');
  }
}

function setLeverage(cmd: SetLeverage, state: PositionState): PositionEvent[] {
  const key = `leverage:${cmd.requestId}`;
  const seen = findRequest(state, key);
  if (seen !== undefined) {
    if (seen.fingerprint !== String(cmd.leverage)) throw idempotencyKeyReused(key);
    return [];
  }
  const leverage = requireLeverage(cmd.leverage, cmd.instrument.maxLeverage);
  if (!dec(state.qty).isZero()) throw failedPrecondition('leverage cannot change while a position is open', 'POSITION_OPEN');
  if (Object.keys(state.orders).length > 0) throw failedPrecondition('leverage cannot change with open or pending orders', 'ORDERS_OPEN');
  return [{ type: 'LeverageSet', key, data: { userId: cmd.userId, symbol: cmd.instrument.symbol, requestId: cmd.requestId, leverage } }];
}

function reserveForOrder(cmd: ReserveForOrder, state: PositionState): PositionEvent[] {
  const known = state.orders[cmd.orderId];
  if (known !== undefined) {
    if (known.side !== cmd.side || known.orderQty !== cmd.qty || known.reduceOnly !== cmd.reduceOnly) throw idempotencyKeyReused(cmd.orderId);
    return [];
  }
  if (state.endedOrders.includes(cmd.orderId)) return [];
  const side = requireOneOf('side', cmd.side, ['BUY', 'SELL'] as const);
  const qty = requirePositive('qty', cmd.qty);
  requireOnGrid('qty', qty, cmd.instrument.lotSize, 'INVALID_LOT');
  const result = determineIntent(state, { side, qty, reduceOnly: cmd.reduceOnly === true });
  if ('rejected' in result) throw failedPrecondition('a reduce-only order would open a position', result.rejected);
  return [
    {
      type: 'PositionReserved',
      key: cmd.orderId,
      data: {
        userId: cmd.userId,
        symbol: cmd.instrument.symbol,
        orderId: cmd.orderId,
        side,
        orderQty: qty,
        reduceOnly: cmd.reduceOnly === true,
        intent: result.intent,
        closeQty: result.closeQty,
        openQty: result.openQty,
        qty: result.closeQty,
      },
    },
  ];
}

function releaseReservation(cmd: ReleaseReservation, state: PositionState): PositionEvent[] {
  const order = state.orders[cmd.orderId];
  if (order === undefined) {
    if (state.endedOrders.includes(cmd.orderId)) return [];
    throw failedPrecondition(`order ${cmd.orderId} holds no reservation here`, 'ORDER_UNKNOWN');
  }
  if (order.accepted) throw failedPrecondition(`order ${cmd.orderId} was accepted; its locks end with the order`, 'ORDER_ACCEPTED');
  return [
    {
      type: 'PositionReservationReleased',
      key: `${cmd.orderId}:RELEASE`,
      data: { userId: cmd.userId, symbol: cmd.instrument.symbol, orderId: cmd.orderId, qty: reservationOf(state, cmd.orderId) },
    },
  ];
}

function trackAcceptedOrder(cmd: TrackAcceptedOrder, state: PositionState): PositionEvent[] {
  const order = state.orders[cmd.orderId];
  if (order === undefined) {
    if (state.endedOrders.includes(cmd.orderId)) return [];
    throw failedPrecondition(`order ${cmd.orderId} was not reserved at this position`, 'ORDER_NOT_RESERVED');
  }
  if (order.accepted) {
    // After fills the remaining amounts moved on, so the repeat is judged by the immutable part.
    if (order.side !== cmd.side || order.openQty !== cmd.openQty || order.leverage !== cmd.leverage || order.price !== cmd.price) {
      throw idempotencyKeyReused(`${cmd.orderId}:TRACK`);
    }
    return [];
  }
  requireOneOf('side', cmd.side, ['BUY', 'SELL'] as const);
  if (cmd.side !== order.side || cmd.openQty !== order.openQty) throw idempotencyKeyReused(`${cmd.orderId}:TRACK`);
  const frozenMargin = requireNonNegative('frozenMargin', cmd.frozenMargin);
  const frozenFee = requireNonNegative('frozenFee', cmd.frozenFee);
  const price = requirePositive('price', cmd.price);
  const leverage = requireLeverage(cmd.leverage, cmd.instrument.maxLeverage);
  return [
    {
      type: 'PositionOrderTracked',
      key: `${cmd.orderId}:TRACK`,
      data: {
        userId: cmd.userId,
        symbol: cmd.instrument.symbol,
        orderId: cmd.orderId,
        side: cmd.side,
        openQty: cmd.openQty,
        frozenMargin,
        frozenFee,
        leverage,
        price,
      },
    },
  ];
}

function endOrder(cmd: EndOrder, state: PositionState): PositionEvent[] {
  const order = state.orders[cmd.orderId];
  if (order === undefined) {
    if (state.endedOrders.includes(cmd.orderId)) return [];
    throw failedPrecondition(`order ${cmd.orderId} is not open at this position`, 'ORDER_UNKNOWN');
  }
  if (!order.accepted) throw failedPrecondition(`order ${cmd.orderId} was never accepted; release its reservation instead`, 'ORDER_NOT_ACCEPTED');
  return [
    {
      type: 'OrderLocksReleased',
      key: `${cmd.orderId}:END`,
      data: {
        userId: cmd.userId,
        symbol: cmd.instrument.symbol,
        orderId: cmd.orderId,
        reservationReleased: reservationOf(state, cmd.orderId),
        unfreezeMargin: order.frozenMargin,
        unfreezeFee: order.frozenFee,
      },
    },
  ];
}
