import { ZERO, dec, max, min, type Decimal } from '../money/decimal.js';
import { fee, initialMargin, notional, realizedPnl, share } from '../money/rules.js';
import { DomainError, failedPrecondition, idempotencyKeyReused } from '../shared/errors.js';
import { c, cutNewestFirst, legFingerprint, positionSideOf, reservationOf, reservedTotal } from './state.js';
import {
  INSURANCE_USER_ID,
  type PositionEvent,
  type PositionState,
  type SettleFillLeg,
} from './types.js';
import { requireOneOf, requirePositive, requireSeq, requireOnGrid } from './validate.js';

/**
 * Settles one fill leg against the *actual* position (DESIGN §3.4 "How a fill is settled", §5
 * "Fill (the general rule)" and settlement details 2–4). All effects of the leg come back as
 * one list, to be appended at once:
 *   close part  → PositionMarginReleased  ({tradeId}:CLOSE | {tradeId}:FLIP_CLOSE)
 *   others' reservations consumed → PositionReservationsCut ({tradeId}:CUT)
 *   funded open part → PositionIncreased  ({tradeId}:OPEN | {tradeId}:FLIP_OPEN)
 *   unfunded open part → PositionCloseToOpenCompensation ({tradeId}:COMPENSATION)
 */
export function settleFillLeg(cmd: SettleFillLeg, state: PositionState): PositionEvent[] {
  const seq = requireSeq(cmd.seq);
  requireOneOf('side', cmd.side, ['BUY', 'SELL'] as const);
  requireOneOf('liquidity', cmd.liquidity, ['MAKER', 'TAKER'] as const);
  const price = requirePositive('price', cmd.price);
  const legQty = requirePositive('qty', cmd.qty);
  requireOnGrid('price', price, cmd.instrument.tickSize, 'INVALID_TICK');
  requireOnGrid('qty', legQty, cmd.instrument.lotSize, 'INVALID_LOT');

  const fingerprint = legFingerprint({ orderId: cmd.orderId, orderSide: cmd.side, price, legQty, liquidity: cmd.liquidity });
  // Legs of a symbol arrive in trade sequence order, so the high-water mark alone filters
  // duplicates (DESIGN §8); the last leg is remembered to catch a key reused with other data.
  if (seq <= state.settledSeq) {
    const last = state.lastLeg;
    if (last !== null && last.seq === seq && (last.tradeId !== cmd.tradeId || last.fingerprint !== fingerprint)) {
      throw idempotencyKeyReused(`${cmd.tradeId} (seq ${seq})`);
    }
    return [];
  }
  const order = state.orders[cmd.orderId];
  if (order === undefined || !order.accepted) {
    throw failedPrecondition(`order ${cmd.orderId} is not an accepted order of this position`, 'ORDER_NOT_TRACKED');
  }
  if (order.side !== cmd.side) throw new DomainError('BAD_USER_INPUT', `leg side ${cmd.side} differs from order side ${order.side}`, 'SIDE_MISMATCH');

  const inst = cmd.instrument;
  const cs = inst.contractSize;
  const q = dec(legQty);
  const Q = dec(state.qty);
  const legSide = positionSideOf(cmd.side);
  const opposite = state.side !== null && state.side !== legSide;
  const closeQty = opposite ? min(q, Q) : ZERO;
  const openQty = q.minus(closeQty);
  const flip = closeQty.greaterThan(0) && openQty.greaterThan(0);

  // One fee on the whole fill notional, rounded up; a flip splits it by quantity (detail 3).
  const rate = cmd.liquidity === 'MAKER' ? inst.makerFeeRate : inst.takerFeeRate;
  const totalFee = fee(notional(price, q, cs), rate);
  const closeFee = closeQty.isZero() ? ZERO : share(totalFee, closeQty, q);
  const openFee = totalFee.minus(closeFee);

  const ref = {
    userId: cmd.userId,
    symbol: inst.symbol,
    orderId: cmd.orderId,
    orderSide: cmd.side,
    tradeId: cmd.tradeId,
    seq,
    liquidity: cmd.liquidity,
    price,
    legQty,
  };
  const events: PositionEvent[] = [];

  if (closeQty.greaterThan(0)) {
    const removedCost = share(state.entryNotional, closeQty, Q);
    const marginReleased = share(state.margin, closeQty, Q);
    const pnl = realizedPnl(state.side === 'LONG', notional(price, closeQty, cs), removedCost);
    // Detail 4: own reservation first, then unreserved quantity, then others newest first.
    const own = dec(reservationOf(state, cmd.orderId));
    const ownConsumed = min(closeQty, own);
    const unreserved = max(ZERO, Q.minus(reservedTotal(state.reservations)));
    const fromOthers = max(ZERO, closeQty.minus(ownConsumed).minus(unreserved));
    events.push({
      type: 'PositionMarginReleased',
      key: `${cmd.tradeId}:${flip ? 'FLIP_CLOSE' : 'CLOSE'}`,
      data: {
        ...ref,
        positionSide: state.side!,
        flip,
        qty: c(closeQty),
        removedCost: c(removedCost),
        realizedPnl: c(pnl),
        marginReleased: c(marginReleased),
        fee: c(closeFee),
        reservationConsumed: c(ownConsumed),
      },
    });
    if (fromOthers.greaterThan(0)) {
      events.push({
        type: 'PositionReservationsCut',
        key: `${cmd.tradeId}:CUT`,
        data: { userId: cmd.userId, symbol: inst.symbol, cause: cmd.tradeId, cuts: cutNewestFirst(state.reservations, fromOthers, cmd.orderId) },
      });
    }
  }

  if (openQty.greaterThan(0)) {
    const openKey = `${cmd.tradeId}:${flip ? 'FLIP_OPEN' : 'OPEN'}`;
    if (cmd.userId === INSURANCE_USER_ID) {
      // The insurance account holds no margin and freezes nothing; its fees are posted by
      // InsuranceFeePaid against the insurance fund, so nothing is short or refunded here.
      events.push(increased(ref, legSide, flip, openQty, ZERO, notional(price, openQty, cs), ZERO, ZERO, ZERO, openFee, ZERO, ZERO, openKey));
    } else {
      // Detail 2: the first R of the open part is funded from the order's freeze, the rest
      // like a compensation from the wallet.
      const covered = dec(order.openQtyCovered);
      const fundedQty = min(openQty, covered);
      const uncoveredQty = openQty.minus(fundedQty);
      const fundedFee = uncoveredQty.isZero() ? openFee : share(openFee, fundedQty, openQty);
      if (fundedQty.greaterThan(0)) {
        const marginShare = share(order.frozenMargin, fundedQty, covered);
        const feeShare = share(order.frozenFee, fundedQty, covered);
        const margin = min(initialMargin(price, fundedQty, cs, order.leverage, inst.initialMarginRate), marginShare);
        const refund = marginShare.minus(margin).plus(max(ZERO, feeShare.minus(fundedFee)));
        const feeShortfall = max(ZERO, fundedFee.minus(feeShare));
        events.push(
          increased(ref, legSide, flip, fundedQty, margin, notional(price, fundedQty, cs), fundedQty, marginShare, feeShare, fundedFee, refund, feeShortfall, openKey),
        );
      }
      if (uncoveredQty.greaterThan(0)) {
        events.push({
          type: 'PositionCloseToOpenCompensation',
          key: `${cmd.tradeId}:COMPENSATION`,
          data: {
            ...ref,
            positionSide: legSide,
            qty: c(uncoveredQty),
            margin: c(initialMargin(price, uncoveredQty, cs, order.leverage, inst.initialMarginRate)),
            entryNotional: c(notional(price, uncoveredQty, cs)),
            fee: c(openFee.minus(fundedFee)),
          },
        });
      }
    }
  }
  return events;
}

function increased(
  ref: Omit<Extract<PositionEvent, { type: 'PositionIncreased' }>['data'], 'positionSide' | 'flip' | 'qty' | 'margin' | 'entryNotional' | 'coveredQtyUsed' | 'frozenMarginUsed' | 'frozenFeeUsed' | 'fee' | 'refund' | 'feeShortfall'>,
  positionSide: 'LONG' | 'SHORT',
  flip: boolean,
  qty: Decimal,
  margin: Decimal,
  entryNotional: Decimal,
  coveredQtyUsed: Decimal,
  frozenMarginUsed: Decimal,
  frozenFeeUsed: Decimal,
  legFee: Decimal,
  refund: Decimal,
  feeShortfall: Decimal,
  key: string,
): PositionEvent {
  return {
    type: 'PositionIncreased',
    key,
    data: {
      ...ref,
      positionSide,
      flip,
      qty: c(qty),
      margin: c(margin),
      entryNotional: c(entryNotional),
      coveredQtyUsed: c(coveredQtyUsed),
      frozenMarginUsed: c(frozenMarginUsed),
      frozenFeeUsed: c(frozenFeeUsed),
      fee: c(legFee),
      refund: c(refund),
      feeShortfall: c(feeShortfall),
    },
  };
}
