import type { Position } from '../eventstore/port.js';
import type { ApiDeps } from './context.js';
import type { OrderView } from './views.js';

const TERMINAL = new Set(['FILLED', 'CANCELLED', 'EXPIRED', 'REJECTED']);

export function isTerminal(order: OrderView): boolean {
  return TERMINAL.has(order.status);
}

/**
 * Read-your-writes (DESIGN §5): what a command appended at `position` is handled by the
 * workflows (which append its consequences — a deposit's FundsDeposited, a trade's legs — in
 * the same handling), and the read models then reach the head as it was at that moment, which
 * holds every one of those consequences. Bounded by `deadline`; on timeout the caller answers
 * with what the read models show then.
 */
export async function settle(deps: ApiDeps, position: Position | null, deadline: number): Promise<boolean> {
  if (position === null) return true;
  if (!(await deps.progress.workflowsReach(position, remaining(deadline)))) return false;
  const head = await deps.progress.headPosition();
  return deps.progress.readModelsReach(head, remaining(deadline));
}

export function remaining(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}

/**
 * placeOrder's wait (DESIGN §5): until the order is REJECTED, or accepted and answered by the
 * engine (rested, traded or expired) with the fills of that answer settled and projected.
 * Returns the order as the read models show it then — PENDING when the wait ran out first.
 */
export async function awaitPlacedOrder(deps: ApiDeps, orderId: string, position: Position | null, deadline: number): Promise<OrderView | null> {
  await settle(deps, position, deadline);
  const order = await deps.reads.order(orderId);
  // PENDING: the wait ran out; anything but NEW: rejected, or answered by the engine already
  if (!order || order.status !== 'NEW') return order;
  // an order placed before this process started watching the engine's answers (a retry of an
  // old request) is not waited for: its answer, if any, happened before
  if (position === null || !deps.acks.watches(position)) return order;
  const ack = await deps.acks.acknowledged(orderId, null, remaining(deadline));
  if (ack === null) return order;
  await settleAnswer(deps, deadline);
  return deps.reads.order(orderId);
}

/** cancelOrder's wait: the engine's answer after the request (or the end at acceptance of a PENDING order). */
export async function awaitCancelledOrder(deps: ApiDeps, orderId: string, position: Position | null, deadline: number): Promise<OrderView | null> {
  await settle(deps, position, deadline);
  let order = await deps.reads.order(orderId);
  let after = position;
  while (order && !isTerminal(order) && after !== null && remaining(deadline) > 0) {
    const ack = await deps.acks.acknowledged(orderId, after, remaining(deadline));
    if (ack === null) break;
    await settleAnswer(deps, deadline);
    order = await deps.reads.order(orderId);
    after = ack;
  }
  return order;
}

/**
 * The engine answers an order with one append (several trades, an expiry); the head, read after
 * the first event of it arrived, is at or after its last event.
 */
async function settleAnswer(deps: ApiDeps, deadline: number): Promise<boolean> {
  return settle(deps, await deps.progress.headPosition(), deadline);
}
