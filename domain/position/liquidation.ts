import { ZERO, dec, max, min } from '../money/decimal.js';
import { notional, realizedPnl, share } from '../money/rules.js';
import { failedPrecondition, idempotencyKeyReused } from '../shared/errors.js';
import { transferFingerprint } from './evolve.js';
import { c, cutNewestFirst, findRequest, oppositeSide, reservedTotal } from './state.js';
import { INSURANCE_USER_ID, type Liquidate, type PositionEvent, type PositionState, type TransferIn } from './types.js';
import { requireOneOf, requireOnGrid, requirePositive } from './validate.js';

/**
 * Forced liquidation (DESIGN §5 "Liquidation"): the whole position leaves at `price`; PnL is
 * realised against the whole cost, the whole margin is released, no fee; reservations are void.
 * Open orders stay open — a close order filling later takes the compensation path.
 */
export function liquidate(cmd: Liquidate, state: PositionState): PositionEvent[] {
  const price = requirePositive('price', cmd.price);
  const seen = findRequest(state, cmd.requestId);
  if (seen !== undefined) {
    if (seen.fingerprint !== price) throw idempotencyKeyReused(cmd.requestId);
    return [];
  }
  requireOnGrid('price', price, cmd.instrument.tickSize, 'INVALID_TICK');
  if (cmd.userId === INSURANCE_USER_ID) throw failedPrecondition('the insurance position is not liquidated', 'INSURANCE_POSITION');
  if (state.side === null || dec(state.qty).isZero()) throw failedPrecondition('no position to liquidate', 'FLAT_POSITION');
  const qty = state.qty;
  const pnl = realizedPnl(state.side === 'LONG', notional(price, qty, cmd.instrument.contractSize), state.entryNotional);
  const voided: Record<string, string> = {};
  for (const r of state.reservations) voided[r.orderId] = r.qty;
  return [
    {
      type: 'PositionLiquidated',
      key: cmd.requestId,
      data: {
        userId: cmd.userId,
        symbol: cmd.instrument.symbol,
        requestId: cmd.requestId,
        side: state.side,
        price,
        qty,
        removedCost: state.entryNotional,
        realizedPnl: c(pnl),
        marginReleased: state.margin,
        reservationsVoided: voided,
      },
    },
  ];
}

/**
 * The insurance account takes over a liquidated position: same side and quantity at the
 * liquidation price. Onto an opposite insurance position it closes that first (cost-share rule,
 * PnL realised exactly — posted by InsurancePnlRealized), and the rest opens.
 */
export function transferIn(cmd: TransferIn, state: PositionState): PositionEvent[] {
  const side = requireOneOf('side', cmd.side, ['LONG', 'SHORT'] as const);
  const price = requirePositive('price', cmd.price);
  const qtyText = requirePositive('qty', cmd.qty);
  const fingerprint = transferFingerprint({ fromUserId: cmd.fromUserId, side, qty: qtyText, price });
  const seen = findRequest(state, cmd.requestId);
  if (seen !== undefined) {
    if (seen.fingerprint !== fingerprint) throw idempotencyKeyReused(cmd.requestId);
    return [];
  }
  const cs = cmd.instrument.contractSize;
  requireOnGrid('price', price, cmd.instrument.tickSize, 'INVALID_TICK');
  requireOnGrid('qty', qtyText, cmd.instrument.lotSize, 'INVALID_LOT');
  const qty = dec(qtyText);
  const Q = dec(state.qty);
  const closing = state.side === oppositeSide(side);
  const closedQty = closing ? min(qty, Q) : ZERO;
  const openedQty = qty.minus(closedQty);
  const removedCost = closing ? share(state.entryNotional, closedQty, Q) : ZERO;
  const pnl = closing ? realizedPnl(state.side === 'LONG', notional(price, closedQty, cs), removedCost) : ZERO;
  const events: PositionEvent[] = [
    {
      type: 'PositionTransferredIn',
      key: cmd.requestId,
      data: {
        userId: INSURANCE_USER_ID,
        symbol: cmd.instrument.symbol,
        requestId: cmd.requestId,
        fromUserId: cmd.fromUserId,
        side,
        qty: qtyText,
        price,
        closedQty: c(closedQty),
        removedCost: c(removedCost),
        realizedPnl: c(pnl),
        openedQty: c(openedQty),
        entryNotional: c(notional(price, openedQty, cs)),
      },
    },
  ];
  // The insurance's own reduce-only orders reserved against what is now smaller or gone.
  const excess = max(ZERO, dec(reservedTotal(state.reservations)).minus(Q.minus(closedQty)));
  if (excess.greaterThan(0)) {
    events.push({
      type: 'PositionReservationsCut',
      key: `${cmd.requestId}:CUT`,
      data: { userId: INSURANCE_USER_ID, symbol: cmd.instrument.symbol, cause: cmd.requestId, cuts: cutNewestFirst(state.reservations, excess) },
    });
  }
  return events;
}
