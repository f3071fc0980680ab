import test, { type ExecutionContext } from 'ava';
import {
  INSURANCE_USER_ID,
  decide,
  determineIntent,
  evolve,
  initialState,
  positionView,
  recordedIntent,
  type EndOrder,
  type PositionCommand,
  type PositionEvent,
  type ReserveForOrder,
  type SettleFillLeg,
  type TrackAcceptedOrder,
  type PositionState,
} from '../../domain/position/index.js';
import { DomainError, DomainInvariantError } from '../../domain/shared/errors.js';
import { BTC_PERP as I } from './support/instrument.js';

const U = 'alice';

/** Builds a state by deciding and folding commands — the path the workflows take. */
function given(commands: PositionCommand[], state = initialState()): PositionState {
  for (const command of commands) for (const e of decide(command, state)) state = evolve(state, e);
  return state;
}

function when(t: ExecutionContext, state: PositionState, command: PositionCommand, then: PositionEvent[]): PositionState {
  const events = decide(command, state);
  t.deepEqual(events, then);
  return events.reduce(evolve, state);
}

function rejects(t: ExecutionContext, state: PositionState, command: PositionCommand, code: string, reason?: string): void {
  const before = JSON.stringify(state);
  const error = t.throws(() => decide(command, state), { instanceOf: DomainError }) as DomainError;
  t.is(error.code, code);
  if (reason !== undefined) t.is(error.reason, reason);
  t.is(JSON.stringify(state), before, 'no state change');
}

const reserve = (orderId: string, side: 'BUY' | 'SELL', qty: string, reduceOnly = false): ReserveForOrder => ({
  type: 'ReserveForOrder', userId: U, instrument: I, orderId, side, qty, reduceOnly,
});
const track = (orderId: string, side: 'BUY' | 'SELL', openQty: string, frozenMargin: string, frozenFee: string, price: string, leverage = 10): TrackAcceptedOrder => ({
  type: 'TrackAcceptedOrder', userId: U, instrument: I, orderId, side, openQty, frozenMargin, frozenFee, leverage, price,
});
const leg = (tradeId: string, seq: number, orderId: string, side: 'BUY' | 'SELL', qty: string, price: string, liquidity: 'MAKER' | 'TAKER' = 'TAKER'): SettleFillLeg => ({
  type: 'SettleFillLeg', userId: U, instrument: I, tradeId, seq, orderId, side, qty, price, liquidity,
});
const end = (orderId: string): EndOrder => ({ type: 'EndOrder', userId: U, instrument: I, orderId });
const ref = { userId: U, symbol: 'BTC-PERP' };
const legRef = (orderId: string, orderSide: 'BUY' | 'SELL', tradeId: string, seq: number, price: string, legQty: string, liquidity: 'MAKER' | 'TAKER' = 'TAKER') => ({
  ...ref, orderId, orderSide, tradeId, seq, liquidity, price, legQty,
});

// A long of 1000 contracts at 50000: notional 50000, margin 5000 (leverage 10), fee 25 (taker).
function long1000(): PositionState {
  return given([reserve('o1', 'BUY', '1000'), track('o1', 'BUY', '1000', '5000', '25', '50000'), leg('t1', 1, 'o1', 'BUY', '1000', '50000'), end('o1')]);
}

// ------------------------------------------------------------------ SetLeverage

test('SetLeverage on a flat position without orders', (t) => {
  const s = when(t, initialState(), { type: 'SetLeverage', requestId: 'r1', userId: U, instrument: I, leverage: 3 }, [
    { type: 'LeverageSet', key: 'leverage:r1', data: { ...ref, requestId: 'r1', leverage: 3 } },
  ]);
  t.is(s.leverage, 3);
  t.is(positionView(s, I).leverage, 3);
  t.is(positionView(initialState(), I).leverage, 10, 'default leverage before any LeverageSet');
  when(t, s, { type: 'SetLeverage', requestId: 'r1', userId: U, instrument: I, leverage: 3 }, []);
  rejects(t, s, { type: 'SetLeverage', requestId: 'r1', userId: U, instrument: I, leverage: 4 }, 'IDEMPOTENCY_KEY_REUSED');
});

test('SetLeverage rejections', (t) => {
  for (const leverage of [0, 101, 2.5, -1]) {
    rejects(t, initialState(), { type: 'SetLeverage', requestId: 'r', userId: U, instrument: I, leverage }, 'BAD_USER_INPUT', 'INVALID_LEVERAGE');
  }
  rejects(t, long1000(), { type: 'SetLeverage', requestId: 'r', userId: U, instrument: I, leverage: 5 }, 'FAILED_PRECONDITION', 'POSITION_OPEN');
  rejects(t, given([reserve('o9', 'BUY', '1')]), { type: 'SetLeverage', requestId: 'r', userId: U, instrument: I, leverage: 5 }, 'FAILED_PRECONDITION', 'ORDERS_OPEN');
});

// ------------------------------------------------------------------ ReserveForOrder / intent

test('ReserveForOrder from flat is an INCREASE reserving nothing', (t) => {
  const s = when(t, initialState(), reserve('o1', 'BUY', '5'), [
    { type: 'PositionReserved', key: 'o1', data: { ...ref, orderId: 'o1', side: 'BUY', orderQty: '5', reduceOnly: false, intent: 'INCREASE', closeQty: '0', openQty: '5', qty: '0' } },
  ]);
  t.deepEqual(s.reservations, []);
  t.deepEqual(recordedIntent(s, 'o1'), { intent: 'INCREASE', closeQty: '0', openQty: '5' });
  when(t, s, reserve('o1', 'BUY', '5'), []);
  rejects(t, s, reserve('o1', 'BUY', '6'), 'IDEMPOTENCY_KEY_REUSED');
});

test('intent labels: REDUCE, CLOSE, FLIP, INCREASE on the same side, and free quantity after reservations', (t) => {
  const s = long1000();
  t.deepEqual(determineIntent(s, { side: 'SELL', qty: '400', reduceOnly: false }), { intent: 'REDUCE', closeQty: '400', openQty: '0' });
  t.deepEqual(determineIntent(s, { side: 'SELL', qty: '1000', reduceOnly: true }), { intent: 'CLOSE', closeQty: '1000', openQty: '0' });
  t.deepEqual(determineIntent(s, { side: 'SELL', qty: '1500', reduceOnly: false }), { intent: 'FLIP', closeQty: '1000', openQty: '500' });
  t.deepEqual(determineIntent(s, { side: 'BUY', qty: '10', reduceOnly: false }), { intent: 'INCREASE', closeQty: '0', openQty: '10' });
  t.deepEqual(determineIntent(s, { side: 'SELL', qty: '1001', reduceOnly: true }), { rejected: 'REDUCE_ONLY_WOULD_OPEN' });
  const r = when(t, s, reserve('o2', 'SELL', '600'), [
    { type: 'PositionReserved', key: 'o2', data: { ...ref, orderId: 'o2', side: 'SELL', orderQty: '600', reduceOnly: false, intent: 'REDUCE', closeQty: '600', openQty: '0', qty: '600' } },
  ]);
  // free = 1000 − 600: a second sell of 500 closes 400 and opens 100
  when(t, r, reserve('o3', 'SELL', '500'), [
    { type: 'PositionReserved', key: 'o3', data: { ...ref, orderId: 'o3', side: 'SELL', orderQty: '500', reduceOnly: false, intent: 'FLIP', closeQty: '400', openQty: '100', qty: '400' } },
  ]);
});

test('ReserveForOrder rejections', (t) => {
  const s = long1000();
  rejects(t, s, reserve('o2', 'SELL', '1001', true), 'FAILED_PRECONDITION', 'REDUCE_ONLY_WOULD_OPEN');
  rejects(t, initialState(), reserve('o2', 'BUY', '1', true), 'FAILED_PRECONDITION', 'REDUCE_ONLY_WOULD_OPEN');
  rejects(t, s, reserve('o2', 'SELL', '0'), 'BAD_USER_INPUT', 'INVALID_DECIMAL');
  rejects(t, s, reserve('o2', 'SELL', '1.50'), 'BAD_USER_INPUT', 'INVALID_DECIMAL');
  rejects(t, s, reserve('o2', 'SELL', '1.5'), 'BAD_USER_INPUT', 'INVALID_LOT');
  rejects(t, s, { ...reserve('o2', 'SELL', '1'), side: 'SIDEWAYS' as 'SELL' }, 'BAD_USER_INPUT', 'INVALID_SIDE');
  // an order that already ended is not reserved again by a late redelivery
  when(t, s, reserve('o1', 'BUY', '1000'), []);
});

// ------------------------------------------------------------------ ReleaseReservation

test('ReleaseReservation rolls back a rejected order once', (t) => {
  const s = given([reserve('o2', 'SELL', '300')], long1000());
  const r = when(t, s, { type: 'ReleaseReservation', userId: U, instrument: I, orderId: 'o2' }, [
    { type: 'PositionReservationReleased', key: 'o2:RELEASE', data: { ...ref, orderId: 'o2', qty: '300' } },
  ]);
  t.deepEqual(r.reservations, []);
  t.deepEqual(r.orders, {});
  when(t, r, { type: 'ReleaseReservation', userId: U, instrument: I, orderId: 'o2' }, []);
  rejects(t, s, { type: 'ReleaseReservation', userId: U, instrument: I, orderId: 'nope' }, 'FAILED_PRECONDITION', 'ORDER_UNKNOWN');
  const accepted = given([track('o2', 'SELL', '0', '0', '0', '50000')], s);
  rejects(t, accepted, { type: 'ReleaseReservation', userId: U, instrument: I, orderId: 'o2' }, 'FAILED_PRECONDITION', 'ORDER_ACCEPTED');
});

// ------------------------------------------------------------------ TrackAcceptedOrder

test('TrackAcceptedOrder records the frozen shares; repeats and mismatches', (t) => {
  const s = given([reserve('o1', 'BUY', '1000')]);
  const tracked = when(t, s, track('o1', 'BUY', '1000', '5000', '25', '50000'), [
    { type: 'PositionOrderTracked', key: 'o1:TRACK', data: { ...ref, orderId: 'o1', side: 'BUY', openQty: '1000', frozenMargin: '5000', frozenFee: '25', leverage: 10, price: '50000' } },
  ]);
  t.like(tracked.orders.o1, { accepted: true, openQtyCovered: '1000', frozenMargin: '5000', frozenFee: '25' });
  when(t, tracked, track('o1', 'BUY', '1000', '5000', '25', '50000'), []);
  rejects(t, tracked, track('o1', 'BUY', '1000', '5000', '25', '50001'), 'IDEMPOTENCY_KEY_REUSED');
  rejects(t, s, track('o1', 'BUY', '999', '5000', '25', '50000'), 'IDEMPOTENCY_KEY_REUSED');
  rejects(t, s, track('o1', 'BUY', '1000', '-1', '25', '50000'), 'BAD_USER_INPUT', 'INVALID_DECIMAL');
  rejects(t, s, track('o1', 'BUY', '1000', '5000', '25', '50000', 101), 'BAD_USER_INPUT', 'INVALID_LEVERAGE');
  rejects(t, s, track('zz', 'BUY', '1', '1', '1', '50000'), 'FAILED_PRECONDITION', 'ORDER_NOT_RESERVED');
});

// ------------------------------------------------------------------ SettleFillLeg: open

test('open as taker: margin and fee exactly as frozen', (t) => {
  const s = given([reserve('o1', 'BUY', '1000'), track('o1', 'BUY', '1000', '5000', '25', '50000')]);
  const after = when(t, s, leg('t1', 1, 'o1', 'BUY', '1000', '50000'), [
    {
      type: 'PositionIncreased',
      key: 't1:OPEN',
      data: { ...legRef('o1', 'BUY', 't1', 1, '50000', '1000'), positionSide: 'LONG', flip: false, qty: '1000', margin: '5000', entryNotional: '50000', coveredQtyUsed: '1000', frozenMarginUsed: '5000', frozenFeeUsed: '25', fee: '25', refund: '0', feeShortfall: '0' },
    },
  ]);
  t.like(after, { side: 'LONG', qty: '1000', entryNotional: '50000', margin: '5000', settledSeq: 1 });
  t.like(after.orders.o1, { openQtyCovered: '0', frozenMargin: '0', frozenFee: '0' });
  // duplicate delivery: same seq → nothing; same seq, other data → key reuse
  when(t, after, leg('t1', 1, 'o1', 'BUY', '1000', '50000'), []);
  rejects(t, after, leg('t1', 1, 'o1', 'BUY', '999', '50000'), 'IDEMPOTENCY_KEY_REUSED');
  rejects(t, after, leg('t9', 1, 'o1', 'BUY', '1000', '50000'), 'IDEMPOTENCY_KEY_REUSED');
});

test('open as a taker buying below its limit: margin at the fill price, unused share refunded', (t) => {
  const s = given([reserve('o1', 'BUY', '1000'), track('o1', 'BUY', '1000', '5000', '25', '50000')]);
  // notional 49000 → margin 4900 (share 5000 → refund 100); fee 24.5 (share 25 → refund 0.5)
  when(t, s, leg('t1', 1, 'o1', 'BUY', '1000', '49000'), [
    {
      type: 'PositionIncreased',
      key: 't1:OPEN',
      data: { ...legRef('o1', 'BUY', 't1', 1, '49000', '1000'), positionSide: 'LONG', flip: false, qty: '1000', margin: '4900', entryNotional: '49000', coveredQtyUsed: '1000', frozenMarginUsed: '5000', frozenFeeUsed: '25', fee: '24.5', refund: '100.5', feeShortfall: '0' },
    },
  ]);
});

test('open as maker: maker fee, the taker-fee remainder refunded', (t) => {
  const s = given([reserve('o1', 'BUY', '1000'), track('o1', 'BUY', '1000', '5000', '25', '50000')]);
  // fee 50000 × 0.0002 = 10 → refund 15
  const after = when(t, s, leg('t1', 1, 'o1', 'BUY', '1000', '50000', 'MAKER'), [
    {
      type: 'PositionIncreased',
      key: 't1:OPEN',
      data: { ...legRef('o1', 'BUY', 't1', 1, '50000', '1000', 'MAKER'), positionSide: 'LONG', flip: false, qty: '1000', margin: '5000', entryNotional: '50000', coveredQtyUsed: '1000', frozenMarginUsed: '5000', frozenFeeUsed: '25', fee: '10', refund: '15', feeShortfall: '0' },
    },
  ]);
  t.deepEqual(positionView(after, I, '51000'), {
    side: 'LONG', qty: '1000', entryNotional: '50000', entryPrice: '50000', margin: '5000', leverage: 10, realizedPnl: '0',
    unrealizedPnl: '1000',
    // (50 − 5000/1) / 0.995 = 45226.13065326…
    liquidationPrice: '45226.13065327',
  });
});

test('partial fills at leverage 7: shares round down, the last share takes the remainder', (t) => {
  // BUY 3 @ 50000, lev 7: notional 150 → margin 150/7 = 21.428571428… ↑ 21.42857143, fee 0.075
  const s = given([reserve('o1', 'BUY', '3'), track('o1', 'BUY', '3', '21.42857143', '0.075', '50000', 7)]);
  // 1 of 3: share 7.142857143… ↓ 7.14285714; initial margin 50/7 ↑ 7.14285715 → capped at the share
  const s1 = when(t, s, leg('t1', 1, 'o1', 'BUY', '1', '50000'), [
    {
      type: 'PositionIncreased',
      key: 't1:OPEN',
      data: { ...legRef('o1', 'BUY', 't1', 1, '50000', '1'), positionSide: 'LONG', flip: false, qty: '1', margin: '7.14285714', entryNotional: '50', coveredQtyUsed: '1', frozenMarginUsed: '7.14285714', frozenFeeUsed: '0.025', fee: '0.025', refund: '0', feeShortfall: '0' },
    },
  ]);
  // 2 of 2: the rest 14.28571429; initial margin 100/7 ↑ 14.28571429
  const s2 = when(t, s1, leg('t2', 2, 'o1', 'BUY', '2', '50000'), [
    {
      type: 'PositionIncreased',
      key: 't2:OPEN',
      data: { ...legRef('o1', 'BUY', 't2', 2, '50000', '2'), positionSide: 'LONG', flip: false, qty: '2', margin: '14.28571429', entryNotional: '100', coveredQtyUsed: '2', frozenMarginUsed: '14.28571429', frozenFeeUsed: '0.05', fee: '0.05', refund: '0', feeShortfall: '0' },
    },
  ]);
  t.like(s2, { qty: '3', margin: '21.42857143', entryNotional: '150' });
  t.like(s2.orders.o1, { openQtyCovered: '0', frozenMargin: '0', frozenFee: '0' });
});

// ------------------------------------------------------------------ SettleFillLeg: close

test('reduce with profit as maker consumes the own reservation', (t) => {
  const s = given([reserve('o2', 'SELL', '400'), track('o2', 'SELL', '0', '0', '0', '51000')], long1000());
  // cost share 50000×400/1000 = 20000; margin 2000; exit 51000×0.4 = 20400 → pnl 400; fee 20400×0.0002 = 4.08
  const after = when(t, s, leg('t2', 2, 'o2', 'SELL', '400', '51000', 'MAKER'), [
    {
      type: 'PositionMarginReleased',
      key: 't2:CLOSE',
      data: { ...legRef('o2', 'SELL', 't2', 2, '51000', '400', 'MAKER'), positionSide: 'LONG', flip: false, qty: '400', removedCost: '20000', realizedPnl: '400', marginReleased: '2000', fee: '4.08', reservationConsumed: '400' },
    },
  ]);
  t.like(after, { side: 'LONG', qty: '600', entryNotional: '30000', margin: '3000', realizedPnl: '400', reservations: [] });
});

test('reduce with a loss as taker', (t) => {
  const s = given([reserve('o2', 'SELL', '400'), track('o2', 'SELL', '0', '0', '0', '49000.5')], long1000());
  // exit 49000.5×0.4 = 19600.2 → pnl −399.8; fee 19600.2×0.0005 = 9.8001
  when(t, s, leg('t2', 2, 'o2', 'SELL', '400', '49000.5'), [
    {
      type: 'PositionMarginReleased',
      key: 't2:CLOSE',
      data: { ...legRef('o2', 'SELL', 't2', 2, '49000.5', '400'), positionSide: 'LONG', flip: false, qty: '400', removedCost: '20000', realizedPnl: '-399.8', marginReleased: '2000', fee: '9.8001', reservationConsumed: '400' },
    },
  ]);
});

test('flip: close 10, open short 5, fee split by quantity, margin capped, fee shortfall', (t) => {
  // long 10 @ 50000: entry 500, margin 50
  const s0 = given([reserve('o1', 'BUY', '10'), track('o1', 'BUY', '10', '50', '0.25', '50000'), leg('t1', 1, 'o1', 'BUY', '10', '50000'), end('o1')]);
  // SELL 15 @ 50000: close 10, open 5 → freeze 250/10 = 25 and 0.125
  const s = given([reserve('o2', 'SELL', '15'), track('o2', 'SELL', '5', '25', '0.125', '50000')], s0);
  // fills at 50100 (taker, above its limit): fee 751.5×0.0005 = 0.37575 → close share 0.2505, open 0.12525
  // close: cost 500, margin 50, pnl 501 − 500 = 1; open: initial margin 25.05 capped at 25, shortfall 0.00025
  const after = when(t, s, leg('t2', 2, 'o2', 'SELL', '15', '50100'), [
    {
      type: 'PositionMarginReleased',
      key: 't2:FLIP_CLOSE',
      data: { ...legRef('o2', 'SELL', 't2', 2, '50100', '15'), positionSide: 'LONG', flip: true, qty: '10', removedCost: '500', realizedPnl: '1', marginReleased: '50', fee: '0.2505', reservationConsumed: '10' },
    },
    {
      type: 'PositionIncreased',
      key: 't2:FLIP_OPEN',
      data: { ...legRef('o2', 'SELL', 't2', 2, '50100', '15'), positionSide: 'SHORT', flip: true, qty: '5', margin: '25', entryNotional: '250.5', coveredQtyUsed: '5', frozenMarginUsed: '25', frozenFeeUsed: '0.125', fee: '0.12525', refund: '0', feeShortfall: '0.00025' },
    },
  ]);
  t.like(after, { side: 'SHORT', qty: '5', entryNotional: '250.5', margin: '25', realizedPnl: '0', reservations: [] });
  when(t, after, leg('t2', 2, 'o2', 'SELL', '15', '50100'), []);
});

test('a close order whose position was liquidated opens through compensation', (t) => {
  const s0 = given([reserve('o1', 'BUY', '10'), track('o1', 'BUY', '10', '50', '0.25', '50000'), leg('t1', 1, 'o1', 'BUY', '10', '50000'), end('o1'), reserve('o2', 'SELL', '10', true), track('o2', 'SELL', '0', '0', '0', '46000')]);
  // liquidated at 45000: pnl 450 − 500 = −50, the whole margin 50 released, o2's reservation void
  const s1 = when(t, s0, { type: 'Liquidate', requestId: 'liq1', userId: U, instrument: I, price: '45000' }, [
    { type: 'PositionLiquidated', key: 'liq1', data: { ...ref, requestId: 'liq1', side: 'LONG', price: '45000', qty: '10', removedCost: '500', realizedPnl: '-50', marginReleased: '50', reservationsVoided: { o2: '10' } } },
  ]);
  t.like(s1, { side: null, qty: '0', entryNotional: '0', margin: '0', reservations: [] });
  // SELL 10 @ 46000 now opens a short with no freeze: margin 460/10 = 46, fee 0.23
  const s2 = when(t, s1, leg('t2', 2, 'o2', 'SELL', '10', '46000'), [
    {
      type: 'PositionCloseToOpenCompensation',
      key: 't2:COMPENSATION',
      data: { ...legRef('o2', 'SELL', 't2', 2, '46000', '10'), positionSide: 'SHORT', qty: '10', margin: '46', entryNotional: '460', fee: '0.23' },
    },
  ]);
  t.like(s2, { side: 'SHORT', qty: '10', margin: '46', entryNotional: '460' });
  when(t, s2, end('o2'), [{ type: 'OrderLocksReleased', key: 'o2:END', data: { ...ref, orderId: 'o2', reservationReleased: '0', unfreezeMargin: '0', unfreezeFee: '0' } }]);
});

test('an increase order that became a close consumes unreserved then others newest first, freeze untouched', (t) => {
  const s = given(
    [reserve('o2', 'SELL', '600'), track('o2', 'SELL', '0', '0', '0', '51000'), reserve('o3', 'SELL', '300'), track('o3', 'SELL', '0', '0', '0', '51000'), reserve('o4', 'SELL', '500'), track('o4', 'SELL', '400', '2000', '10', '50000')],
    long1000(),
  );
  t.deepEqual(recordedIntent(s, 'o4'), { intent: 'FLIP', closeQty: '100', openQty: '400' });
  // o4 (own 100) sells 900: own 100, then 0 unreserved, then o3 300 (newest), then o2 500
  const after = when(t, s, leg('t2', 2, 'o4', 'SELL', '900', '50000'), [
    {
      type: 'PositionMarginReleased',
      key: 't2:CLOSE',
      data: { ...legRef('o4', 'SELL', 't2', 2, '50000', '900'), positionSide: 'LONG', flip: false, qty: '900', removedCost: '45000', realizedPnl: '0', marginReleased: '4500', fee: '22.5', reservationConsumed: '100' },
    },
    { type: 'PositionReservationsCut', key: 't2:CUT', data: { ...ref, cause: 't2', cuts: { o3: '300', o2: '500' } } },
  ]);
  t.deepEqual(after.reservations, [{ orderId: 'o2', qty: '100' }]);
  t.like(after.orders.o4, { openQtyCovered: '400', frozenMargin: '2000', frozenFee: '10' });
  when(t, after, end('o4'), [{ type: 'OrderLocksReleased', key: 'o4:END', data: { ...ref, orderId: 'o4', reservationReleased: '0', unfreezeMargin: '2000', unfreezeFee: '10' } }]);
});

test('a short opened as maker: maker fee, the rest of the taker-fee share refunded', (t) => {
  // SELL 4 @ 50000: freeze 200/10 = 20 and 0.1; maker fee 200×0.0002 = 0.04 → refund 0.06
  const s = given([reserve('o1', 'SELL', '4'), track('o1', 'SELL', '4', '20', '0.1', '50000')]);
  const after = when(t, s, leg('t1', 1, 'o1', 'SELL', '4', '50000', 'MAKER'), [
    {
      type: 'PositionIncreased',
      key: 't1:OPEN',
      data: { ...legRef('o1', 'SELL', 't1', 1, '50000', '4', 'MAKER'), positionSide: 'SHORT', flip: false, qty: '4', margin: '20', entryNotional: '200', coveredQtyUsed: '4', frozenMarginUsed: '20', frozenFeeUsed: '0.1', fee: '0.04', refund: '0.06', feeShortfall: '0' },
    },
  ]);
  t.like(after.orders.o1, { openQtyCovered: '0' });
});

test('a flip whose covered open quantity is smaller than its open part splits funded and compensated', (t) => {
  // long 10; o2 SELL 15 reserved close 10 / open 5 with freeze 25 + 0.125; o3 sells 4 first (no reservation
  // needed: it consumes unreserved 0, then o2's 4) → position 6, o2 reservation 6
  const s0 = given([reserve('o1', 'BUY', '10'), track('o1', 'BUY', '10', '50', '0.25', '50000'), leg('t1', 1, 'o1', 'BUY', '10', '50000'), end('o1')]);
  const s1 = given([reserve('o2', 'SELL', '15'), track('o2', 'SELL', '5', '25', '0.125', '50000'), reserve('o3', 'SELL', '4'), track('o3', 'SELL', '4', '20', '0.1', '50000'), leg('t2', 2, 'o3', 'SELL', '4', '50000')], s0);
  t.deepEqual(s1.reservations, [{ orderId: 'o2', qty: '6' }]);
  t.like(s1, { qty: '6', side: 'LONG' });
  // o2 fills 15: closes 6, opens 9 of which 5 covered, 4 compensated. fee 750×0.0005 = 0.375:
  // close share 0.375×6/15 = 0.15, open 0.225 → funded 0.225×5/9 ↓ 0.125, compensation 0.1
  when(t, s1, leg('t3', 3, 'o2', 'SELL', '15', '50000'), [
    {
      type: 'PositionMarginReleased',
      key: 't3:FLIP_CLOSE',
      data: { ...legRef('o2', 'SELL', 't3', 3, '50000', '15'), positionSide: 'LONG', flip: true, qty: '6', removedCost: '300', realizedPnl: '0', marginReleased: '30', fee: '0.15', reservationConsumed: '6' },
    },
    {
      type: 'PositionIncreased',
      key: 't3:FLIP_OPEN',
      data: { ...legRef('o2', 'SELL', 't3', 3, '50000', '15'), positionSide: 'SHORT', flip: true, qty: '5', margin: '25', entryNotional: '250', coveredQtyUsed: '5', frozenMarginUsed: '25', frozenFeeUsed: '0.125', fee: '0.125', refund: '0', feeShortfall: '0' },
    },
    {
      type: 'PositionCloseToOpenCompensation',
      key: 't3:COMPENSATION',
      data: { ...legRef('o2', 'SELL', 't3', 3, '50000', '15'), positionSide: 'SHORT', qty: '4', margin: '20', entryNotional: '200', fee: '0.1' },
    },
  ]);
});

test('SettleFillLeg rejections', (t) => {
  const s = given([reserve('o1', 'BUY', '10'), track('o1', 'BUY', '10', '50', '0.25', '50000'), reserve('o2', 'BUY', '1')]);
  rejects(t, s, leg('t1', 1, 'zz', 'BUY', '1', '50000'), 'FAILED_PRECONDITION', 'ORDER_NOT_TRACKED');
  rejects(t, s, leg('t1', 1, 'o2', 'BUY', '1', '50000'), 'FAILED_PRECONDITION', 'ORDER_NOT_TRACKED');
  rejects(t, s, leg('t1', 1, 'o1', 'SELL', '1', '50000'), 'BAD_USER_INPUT', 'SIDE_MISMATCH');
  rejects(t, s, leg('t1', 1, 'o1', 'BUY', '1', '50000.05'), 'BAD_USER_INPUT', 'INVALID_TICK');
  rejects(t, s, leg('t1', 1, 'o1', 'BUY', '0', '50000'), 'BAD_USER_INPUT', 'INVALID_DECIMAL');
  rejects(t, s, leg('t1', -1, 'o1', 'BUY', '1', '50000'), 'BAD_USER_INPUT', 'INVALID_SEQ');
  rejects(t, s, { ...leg('t1', 1, 'o1', 'BUY', '1', '50000'), liquidity: 'BOTH' as 'MAKER' }, 'BAD_USER_INPUT', 'INVALID_LIQUIDITY');
  t.throws(() => decide({ ...leg('t1', 1, 'o1', 'BUY', '1', '50000'), userId: 'bob' }, s), { instanceOf: DomainInvariantError });
});

// ------------------------------------------------------------------ EndOrder

test('EndOrder releases exactly what a partially filled order still holds, once', (t) => {
  const s = given([reserve('o1', 'BUY', '3'), track('o1', 'BUY', '3', '21.42857143', '0.075', '50000', 7), leg('t1', 1, 'o1', 'BUY', '1', '50000')]);
  const after = when(t, s, end('o1'), [
    { type: 'OrderLocksReleased', key: 'o1:END', data: { ...ref, orderId: 'o1', reservationReleased: '0', unfreezeMargin: '14.28571429', unfreezeFee: '0.05' } },
  ]);
  t.deepEqual(after.orders, {});
  when(t, after, end('o1'), []);
  rejects(t, after, end('zz'), 'FAILED_PRECONDITION', 'ORDER_UNKNOWN');
  rejects(t, given([reserve('o5', 'BUY', '1')]), end('o5'), 'FAILED_PRECONDITION', 'ORDER_NOT_ACCEPTED');
  // a late fill after the end is a precondition failure, not a silent re-open
  rejects(t, after, leg('t2', 2, 'o1', 'BUY', '1', '50000'), 'FAILED_PRECONDITION', 'ORDER_NOT_TRACKED');
});

test('EndOrder of a close order releases its remaining reservation', (t) => {
  const s = given([reserve('o2', 'SELL', '400'), track('o2', 'SELL', '0', '0', '0', '51000'), leg('t2', 2, 'o2', 'SELL', '150', '51000', 'MAKER')], long1000());
  when(t, s, end('o2'), [{ type: 'OrderLocksReleased', key: 'o2:END', data: { ...ref, orderId: 'o2', reservationReleased: '250', unfreezeMargin: '0', unfreezeFee: '0' } }]);
});

// ------------------------------------------------------------------ Liquidate

test('Liquidate a short at a profit; repeats and rejections', (t) => {
  const s = given([reserve('o1', 'SELL', '10'), track('o1', 'SELL', '10', '50', '0.25', '50000'), leg('t1', 1, 'o1', 'SELL', '10', '50000'), end('o1')]);
  // short 10 @ 50000 (cost 500) taken over at 49000.1: pnl 500 − 490.001 = 9.999
  const after = when(t, s, { type: 'Liquidate', requestId: 'liq1', userId: U, instrument: I, price: '49000.1' }, [
    { type: 'PositionLiquidated', key: 'liq1', data: { ...ref, requestId: 'liq1', side: 'SHORT', price: '49000.1', qty: '10', removedCost: '500', realizedPnl: '9.999', marginReleased: '50', reservationsVoided: {} } },
  ]);
  t.like(after, { realizedPnl: '9.999', qty: '0', side: null });
  when(t, after, { type: 'Liquidate', requestId: 'liq1', userId: U, instrument: I, price: '49000.1' }, []);
  rejects(t, after, { type: 'Liquidate', requestId: 'liq1', userId: U, instrument: I, price: '49000.2' }, 'IDEMPOTENCY_KEY_REUSED');
  rejects(t, after, { type: 'Liquidate', requestId: 'liq2', userId: U, instrument: I, price: '49000.1' }, 'FAILED_PRECONDITION', 'FLAT_POSITION');
  rejects(t, s, { type: 'Liquidate', requestId: 'liq3', userId: U, instrument: I, price: '49000.15' }, 'BAD_USER_INPUT', 'INVALID_TICK');
  rejects(t, s, { type: 'Liquidate', requestId: 'liq3', userId: U, instrument: I, price: '0' }, 'BAD_USER_INPUT', 'INVALID_DECIMAL');
});

// ------------------------------------------------------------------ TransferIn (insurance position)

test('TransferIn onto a flat, then an opposite insurance position nets and realises PnL', (t) => {
  const ins = { userId: INSURANCE_USER_ID, symbol: 'BTC-PERP' };
  const s1 = when(t, initialState(), { type: 'TransferIn', requestId: 'liq1', instrument: I, fromUserId: 'alice', side: 'LONG', qty: '10', price: '45000' }, [
    { type: 'PositionTransferredIn', key: 'liq1', data: { ...ins, requestId: 'liq1', fromUserId: 'alice', side: 'LONG', qty: '10', price: '45000', closedQty: '0', removedCost: '0', realizedPnl: '0', openedQty: '10', entryNotional: '450' } },
  ]);
  t.like(s1, { side: 'LONG', qty: '10', entryNotional: '450', margin: '0' });
  when(t, s1, { type: 'TransferIn', requestId: 'liq1', instrument: I, fromUserId: 'alice', side: 'LONG', qty: '10', price: '45000' }, []);
  rejects(t, s1, { type: 'TransferIn', requestId: 'liq1', instrument: I, fromUserId: 'alice', side: 'LONG', qty: '11', price: '45000' }, 'IDEMPOTENCY_KEY_REUSED');
  // insurance reduce-only sell of 8 reserved; bob's short 14 taken over at 46000: closes 10 (cost 450,
  // pnl 460 − 450 = 10), opens short 4 (184); the reservation of 8 is void
  const s2 = given([{ type: 'ReserveForOrder', userId: INSURANCE_USER_ID, instrument: I, orderId: 'io1', side: 'SELL', qty: '8', reduceOnly: true }], s1);
  const s3 = when(t, s2, { type: 'TransferIn', requestId: 'liq2', instrument: I, fromUserId: 'bob', side: 'SHORT', qty: '14', price: '46000' }, [
    { type: 'PositionTransferredIn', key: 'liq2', data: { ...ins, requestId: 'liq2', fromUserId: 'bob', side: 'SHORT', qty: '14', price: '46000', closedQty: '10', removedCost: '450', realizedPnl: '10', openedQty: '4', entryNotional: '184' } },
    { type: 'PositionReservationsCut', key: 'liq2:CUT', data: { ...ins, cause: 'liq2', cuts: { io1: '8' } } },
  ]);
  t.like(s3, { side: 'SHORT', qty: '4', entryNotional: '184', reservations: [] });
  rejects(t, s3, { type: 'TransferIn', requestId: 'liq3', instrument: I, fromUserId: 'bob', side: 'SHORT', qty: '1', price: '46000.01' }, 'BAD_USER_INPUT', 'INVALID_TICK');
  rejects(t, s3, { type: 'Liquidate', requestId: 'liq4', userId: INSURANCE_USER_ID, instrument: I, price: '46000' }, 'FAILED_PRECONDITION', 'INSURANCE_POSITION');
});

test('insurance fills carry the fee but no margin, freeze or shortfall', (t) => {
  const iref = { userId: INSURANCE_USER_ID, symbol: 'BTC-PERP' };
  const s = given([
    { type: 'TransferIn', requestId: 'liq1', instrument: I, fromUserId: 'alice', side: 'LONG', qty: '10', price: '45000' },
    { type: 'ReserveForOrder', userId: INSURANCE_USER_ID, instrument: I, orderId: 'io1', side: 'SELL', qty: '10', reduceOnly: true },
    { type: 'TrackAcceptedOrder', userId: INSURANCE_USER_ID, instrument: I, orderId: 'io1', side: 'SELL', openQty: '0', frozenMargin: '0', frozenFee: '0', leverage: 1, price: '44000' },
    { type: 'TransferIn', requestId: 'liq2', instrument: I, fromUserId: 'bob', side: 'SHORT', qty: '4', price: '45000' },
  ]);
  t.like(s, { qty: '6', reservations: [{ orderId: 'io1', qty: '6' }] });
  // sells 10 at 44000 against a long 6 (cost 270): close 6 (pnl 264 − 270 = −6), open short 4; fee 440×0.0005 = 0.22 → 0.132 / 0.088
  when(t, s, { type: 'SettleFillLeg', userId: INSURANCE_USER_ID, instrument: I, tradeId: 't1', seq: 1, orderId: 'io1', side: 'SELL', qty: '10', price: '44000', liquidity: 'TAKER' }, [
    {
      type: 'PositionMarginReleased',
      key: 't1:FLIP_CLOSE',
      data: { ...iref, orderId: 'io1', orderSide: 'SELL', tradeId: 't1', seq: 1, liquidity: 'TAKER', price: '44000', legQty: '10', positionSide: 'LONG', flip: true, qty: '6', removedCost: '270', realizedPnl: '-6', marginReleased: '0', fee: '0.132', reservationConsumed: '6' },
    },
    {
      type: 'PositionIncreased',
      key: 't1:FLIP_OPEN',
      data: { ...iref, orderId: 'io1', orderSide: 'SELL', tradeId: 't1', seq: 1, liquidity: 'TAKER', price: '44000', legQty: '10', positionSide: 'SHORT', flip: true, qty: '4', margin: '0', entryNotional: '176', coveredQtyUsed: '0', frozenMarginUsed: '0', frozenFeeUsed: '0', fee: '0.088', refund: '0', feeShortfall: '0' },
    },
  ]);
});

test('positionView of a flat position and of a short', (t) => {
  t.deepEqual(positionView(initialState(), I, '50000'), {
    side: null, qty: '0', entryNotional: '0', entryPrice: null, margin: '0', leverage: 10, realizedPnl: '0', unrealizedPnl: null, liquidationPrice: null,
  });
  const s = given([reserve('o1', 'SELL', '3'), track('o1', 'SELL', '3', '21.42857143', '0.075', '50000', 7), leg('t1', 1, 'o1', 'SELL', '3', '50000.1')]);
  // entry 150.0003 / 0.003 = 50000.1; margin min(150.0003/7 ↑ 21.42861429, 21.42857143) = 21.42857143
  // liq = (50000.1 + 21.42857143/0.003) / 1.005 = 57142.95714333… / 1.005 = 56858.66382421…
  const v = positionView(s, I, '49000');
  t.is(v.entryPrice, '50000.1');
  t.is(v.margin, '21.42857143');
  t.is(v.unrealizedPnl, '3.0003');
  t.is(v.liquidationPrice, '56858.66382421');
});
