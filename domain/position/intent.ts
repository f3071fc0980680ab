import { dec, min } from '../money/decimal.js';
import { c, positionSideOf, reservedTotal } from './state.js';
import type { Intent, OrderSide, PositionState } from './types.js';

export interface IntentDecision {
  intent: Intent;
  closeQty: string;
  openQty: string;
}

export type IntentResult = IntentDecision | { rejected: 'REDUCE_ONLY_WOULD_OPEN' };

/**
 * DESIGN §5 "Entry": free = position qty − reserved-to-close when the order is opposite to the
 * position, else 0; closeQty = min(qty, free), openQty = qty − closeQty; labels by settlement
 * detail 6. A reduce-only order may not open anything.
 */
export function determineIntent(state: PositionState, order: { side: OrderSide; qty: string; reduceOnly: boolean }): IntentResult {
  const qty = dec(order.qty);
  const opposite = state.side !== null && state.side !== positionSideOf(order.side);
  const free = opposite ? dec(state.qty).minus(reservedTotal(state.reservations)) : dec(0);
  const closeQty = min(qty, free.isNegative() ? dec(0) : free);
  const openQty = qty.minus(closeQty);
  if (order.reduceOnly && openQty.greaterThan(0)) return { rejected: 'REDUCE_ONLY_WOULD_OPEN' };
  let intent: Intent;
  if (closeQty.greaterThan(0) && openQty.greaterThan(0)) intent = 'FLIP';
  else if (closeQty.greaterThan(0)) intent = closeQty.equals(dec(state.qty)) ? 'CLOSE' : 'REDUCE';
  else intent = 'INCREASE';
  return { intent, closeQty: c(closeQty), openQty: c(openQty) };
}

/** The intent recorded for an order at its reservation — what OrderAccepted must carry. */
export function recordedIntent(state: PositionState, orderId: string): IntentDecision | undefined {
  const order = state.orders[orderId];
  return order === undefined ? undefined : { intent: order.intent, closeQty: order.closeQty, openQty: order.openQty };
}
