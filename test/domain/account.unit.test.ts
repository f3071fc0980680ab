import test, { type ExecutionContext } from 'ava';
import {
  accountDecider, availableOf, deficitOf, type AccountCommand, type AccountEvent, type AccountState,
} from '../../domain/account/index.js';
import { auditEvents } from '../../domain/ledger/audit.js';
import { depositLines, freezeLines, unfreezeLines, withdrawLines, openSettlementLines, closeSettlementLines, compensationLines, liquidationLines } from '../../domain/ledger/postings.js';
import { DomainError, DomainInvariantError } from '../../domain/shared/errors.js';

const { initialState, evolve, decide } = accountDecider;
const U = 'u1';
const A = 'USDT';
const S = 'BTC-PERP';

function fold(given: readonly AccountEvent[]): AccountState {
  return given.reduce((s, e) => evolve(s, e), initialState());
}

/** given / when / then: fold the given events, decide, compare the produced events exactly. */
const spec = test.macro((t: ExecutionContext, given: AccountEvent[], when: AccountCommand, then: AccountEvent[]) => {
  const produced = decide(when, fold(given));
  t.deepEqual(produced, then);
  // every $ event an account emits keeps the ledger consistent
  t.deepEqual(auditEvents([...given, ...produced]).violations, []);
});

/** the rejection must be this typed error and the state must not change */
const rejects = test.macro((t: ExecutionContext, given: AccountEvent[], when: AccountCommand, expected: { code: string; reason?: string } | 'INVARIANT') => {
  const state = fold(given);
  const before = JSON.stringify(state);
  const error = t.throws(() => decide(when, state));
  if (expected === 'INVARIANT') t.true(error instanceof DomainInvariantError, String(error));
  else {
    t.true(error instanceof DomainError, String(error));
    t.is((error as DomainError).code, expected.code);
    t.is((error as DomainError).reason, expected.reason);
  }
  t.is(JSON.stringify(state), before);
});

// ----- event builders (what the account is expected to write) -----

const deposited = (amount: string, txId = `tx-${amount}`): AccountEvent => ({
  type: 'FundsDeposited', key: txId, data: { userId: U, asset: A, amount, txId, lines: depositLines(A, amount) },
});
const withdrawn = (amount: string, requestId: string): AccountEvent => ({
  type: 'FundsWithdrawn', key: requestId, data: { userId: U, asset: A, amount, requestId, lines: withdrawLines(A, amount) },
});
const frozen = (orderId: string, margin: string, fee: string, openQty = '1'): AccountEvent => ({
  type: 'FundsFrozen', key: orderId, data: { userId: U, orderId, symbol: S, asset: A, openQty, margin, fee, lines: freezeLines(A, margin, fee) },
});
const freezeFailed = (orderId: string, margin: string, fee: string, reason: 'ACCOUNT_IN_DEFICIT' | 'INSUFFICIENT_MARGIN', openQty = '1'): AccountEvent => ({
  type: 'FundsFreezeFailed', key: orderId, data: { userId: U, orderId, symbol: S, asset: A, openQty, margin, fee, reason },
});
const unfrozen = (orderId: string, margin: string, fee: string): AccountEvent => ({
  type: 'FundsUnfrozen', key: `${orderId}:END`, data: { userId: U, asset: A, orderId, margin, fee, lines: unfreezeLines(A, margin, fee) },
});

const deposit = (amount: string, txId = `tx-${amount}`): AccountCommand => ({ type: 'Deposit', userId: U, asset: A, amount, txId });
const withdraw = (amount: string, requestId = 'w1'): AccountCommand => ({ type: 'Withdraw', userId: U, asset: A, amount, requestId });
const freeze = (orderId: string, margin: string, fee: string, openQty = '1'): AccountCommand => ({ type: 'FreezeFunds', userId: U, orderId, symbol: S, asset: A, openQty, margin, fee });
const unfreeze = (orderId: string, margin: string, fee: string): AccountCommand => ({ type: 'UnfreezeFunds', userId: U, orderId, asset: A, margin, fee });

// position leg effects as the position writes them (only the fields the account reads matter)
const leg = { symbol: S, orderId: 'o1', tradeId: 't1', seq: 7, price: '100', userId: U };
const increased = (over: Record<string, unknown> = {}, key = 't1:OPEN') => ({
  type: 'PositionIncreased', key,
  data: { ...leg, qty: '1', margin: '10', entryNotional: '100', frozenMarginUsed: '10', frozenFeeUsed: '0.06', fee: '0.02', refund: '0.04', feeShortfall: '0', ...over },
});
const released = (over: Record<string, unknown> = {}, key = 't1:CLOSE') => ({
  type: 'PositionMarginReleased', key, data: { ...leg, qty: '1', removedCost: '100', marginReleased: '10', realizedPnl: '5', fee: '0.03', ...over },
});
const compensation = (over: Record<string, unknown> = {}, key = 't1:COMPENSATION') => ({
  type: 'PositionCloseToOpenCompensation', key, data: { ...leg, qty: '1', margin: '10', entryNotional: '100', fee: '0.06', ...over },
});
const settle = (...effects: Array<{ type: string; key: string; data: Record<string, unknown> }>): AccountCommand => ({ type: 'SettleTradeLeg', userId: U, asset: A, effects });
const ref = (over: Partial<typeof leg> = {}) => {
  const { userId: _u, ...rest } = { ...leg, ...over };
  return { userId: U, asset: A, ...rest, qty: '1' };
};
const tradeSettled = (d: { margin: string; frozenMarginUsed: string; frozenFeeUsed: string; fee: string; refund: string; feeShortfall: string }, key = 't1:OPEN', over: Partial<typeof leg> = {}): AccountEvent => ({
  type: 'TradeMarginSettled', key, data: { ...ref(over), ...d, lines: openSettlementLines({ asset: A, symbol: S, margin: d.margin, fee: d.fee, feeShortfall: d.feeShortfall, refund: d.refund }) },
});
const marginCredited = (d: { marginReleased: string; realizedPnl: string; fee: string }, key = 't1:CLOSE', over: Partial<typeof leg> = {}): AccountEvent => ({
  type: 'ReleasedMarginCredited', key, data: { ...ref(over), ...d, lines: closeSettlementLines({ asset: A, symbol: S, ...d }) },
});
const compensated = (margin: string, fee: string, key = 't1:COMPENSATION'): AccountEvent => ({
  type: 'CloseToOpenCompensated', key, data: { ...ref(), margin, fee, lines: compensationLines(A, S, margin, fee) },
});

const funded = [deposited('100')];
const withOrder = [...funded, frozen('o1', '10', '0.06')];
const withPosition = [...withOrder, tradeSettled({ margin: '10', frozenMarginUsed: '10', frozenFeeUsed: '0.06', fee: '0.02', refund: '0.04', feeShortfall: '0' })];
const inDeficit = [...withPosition, compensated('95', '0.06', 't2:COMPENSATION')].map((e) => (e.key === 't2:COMPENSATION' ? { ...e, data: { ...e.data, tradeId: 't2', seq: 8 } } as AccountEvent : e));

// ===== Deposit =====
test('deposit credits available with lines for both books', spec, [], deposit('100'), [deposited('100')]);
test('deposit canonicalises the amount', spec, [], deposit('1.50', 'tx9'), [deposited('1.5', 'tx9')]);
test('deposit repeated txId with the same payload → no events', spec, funded, deposit('100'), []);
test('deposit repays a deficit first (available just rises)', spec, inDeficit, deposit('10', 'tx10'), [deposited('10', 'tx10')]);
// rejection table, precedence order
test('deposit ✗ zero amount', rejects, [], deposit('0'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('deposit ✗ negative amount', rejects, [], deposit('-5'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('deposit ✗ more than 8 decimals', rejects, [], deposit('0.000000001'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('deposit ✗ exponent notation', rejects, [], deposit('1e3'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('deposit ✗ repeated txId with another amount', rejects, funded, deposit('99', 'tx-100'), { code: 'IDEMPOTENCY_KEY_REUSED', reason: 'IDEMPOTENCY_KEY_REUSED' });

// ===== Withdraw =====
test('withdraw debits available', spec, funded, withdraw('40'), [withdrawn('40', 'w1')]);
test('withdraw of everything available', spec, funded, withdraw('100'), [withdrawn('100', 'w1')]);
test('withdraw repeated requestId with the same payload → no events', spec, [...funded, withdrawn('40', 'w1')], withdraw('40'), []);
test('withdraw ✗ zero', rejects, funded, withdraw('0'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('withdraw ✗ repeated requestId with another amount', rejects, [...funded, withdrawn('40', 'w1')], withdraw('41'), { code: 'IDEMPOTENCY_KEY_REUSED', reason: 'IDEMPOTENCY_KEY_REUSED' });
test('withdraw ✗ in deficit (before the funds check)', rejects, inDeficit, withdraw('1000'), { code: 'FAILED_PRECONDITION', reason: 'ACCOUNT_IN_DEFICIT' });
test('withdraw ✗ above available', rejects, funded, withdraw('100.00000001'), { code: 'INSUFFICIENT_FUNDS', reason: undefined });
test('withdraw ✗ frozen funds are not available', rejects, withOrder, withdraw('90'), { code: 'INSUFFICIENT_FUNDS', reason: undefined });

// ===== FreezeFunds =====
test('freeze moves margin + fee to frozen', spec, funded, freeze('o1', '10', '0.06'), [frozen('o1', '10', '0.06')]);
test('freeze of exactly available succeeds', spec, funded, freeze('o1', '99.94', '0.06'), [frozen('o1', '99.94', '0.06')]);
test('freeze of a pure close order (openQty 0) freezes nothing', spec, funded, freeze('o1', '0', '0', '0'), [frozen('o1', '0', '0', '0')]);
test('freeze of a pure close order is allowed in deficit', spec, inDeficit, freeze('o9', '0', '0', '0'), [frozen('o9', '0', '0', '0')]);
test('freeze repeated orderId with the same payload → no events', spec, withOrder, freeze('o1', '10', '0.06'), []);
test('freeze repeated after a failure → no events', spec, [...funded, freezeFailed('o2', '200', '1', 'INSUFFICIENT_MARGIN')], freeze('o2', '200', '1'), []);
test('freeze repeated after the order ended → no events', spec, [...withOrder, unfrozen('o1', '10', '0.06')], freeze('o1', '10', '0.06'), []);
test('freeze ✗ in deficit with an open part → FundsFreezeFailed ACCOUNT_IN_DEFICIT', spec, inDeficit, freeze('o9', '0', '0'), [freezeFailed('o9', '0', '0', 'ACCOUNT_IN_DEFICIT')]);
test('freeze ✗ deficit wins over insufficient margin', spec, inDeficit, freeze('o9', '1000', '1'), [freezeFailed('o9', '1000', '1', 'ACCOUNT_IN_DEFICIT')]);
test('freeze ✗ available < margin + fee → FundsFreezeFailed INSUFFICIENT_MARGIN', spec, funded, freeze('o2', '99.95', '0.06'), [freezeFailed('o2', '99.95', '0.06', 'INSUFFICIENT_MARGIN')]);
test('freeze ✗ negative margin', rejects, funded, freeze('o2', '-1', '0'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('freeze ✗ non-canonical fee', rejects, funded, freeze('o2', '1', '0.10'), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
test('freeze ✗ bad openQty', rejects, funded, freeze('o2', '1', '0.1', '-1'), { code: 'BAD_USER_INPUT', reason: 'INVALID_QUANTITY' });
test('freeze ✗ repeated orderId with another payload', rejects, withOrder, freeze('o1', '11', '0.06'), { code: 'IDEMPOTENCY_KEY_REUSED', reason: 'IDEMPOTENCY_KEY_REUSED' });

// ===== SettleTradeLeg =====
test('open settlement: margin from frozen, fee paid, rest refunded', spec, withOrder, settle(increased()), [
  tradeSettled({ margin: '10', frozenMarginUsed: '10', frozenFeeUsed: '0.06', fee: '0.02', refund: '0.04', feeShortfall: '0' }),
]);
test('open settlement with a fee shortfall takes it from available', spec, withOrder, settle(increased({ margin: '9', fee: '0.08', refund: '1', feeShortfall: '0.02' })), [
  tradeSettled({ margin: '9', frozenMarginUsed: '10', frozenFeeUsed: '0.06', fee: '0.08', refund: '1', feeShortfall: '0.02' }),
]);
test('close settlement: release, profit, fee', spec, withPosition, settle(released({ seq: 8, tradeId: 't2' }, 't2:CLOSE')), [
  marginCredited({ marginReleased: '10', realizedPnl: '5', fee: '0.03' }, 't2:CLOSE', { seq: 8, tradeId: 't2' }),
]);
test('close settlement with a loss', spec, withPosition, settle(released({ seq: 8, tradeId: 't2', realizedPnl: '-7.5' }, 't2:CLOSE')), [
  marginCredited({ marginReleased: '10', realizedPnl: '-7.5', fee: '0.03' }, 't2:CLOSE', { seq: 8, tradeId: 't2' }),
]);
test('flip: close then open in one append', spec, [...withPosition, frozen('o2', '5', '0.03')], settle(
  released({ seq: 8, tradeId: 't2', orderId: 'o2' }, 't2:FLIP_CLOSE'),
  { type: 'PositionReservationsCut', key: 't2:CUT', data: { cuts: {} } },
  increased({ seq: 8, tradeId: 't2', orderId: 'o2', margin: '5', frozenMarginUsed: '5', frozenFeeUsed: '0.03', fee: '0.03', refund: '0' }, 't2:FLIP_OPEN'),
), [
  marginCredited({ marginReleased: '10', realizedPnl: '5', fee: '0.03' }, 't2:FLIP_CLOSE', { seq: 8, tradeId: 't2', orderId: 'o2' }),
  tradeSettled({ margin: '5', frozenMarginUsed: '5', frozenFeeUsed: '0.03', fee: '0.03', refund: '0', feeShortfall: '0' }, 't2:FLIP_OPEN', { seq: 8, tradeId: 't2', orderId: 'o2' }),
]);
test('close→open compensation may drive available negative (deficit)', spec, withPosition, settle(compensation({ seq: 8, tradeId: 't2', margin: '95' }, 't2:COMPENSATION')), [
  { ...compensated('95', '0.06', 't2:COMPENSATION'), data: { ...compensated('95', '0.06', 't2:COMPENSATION').data, tradeId: 't2', seq: 8 } } as AccountEvent,
]);
test('repeated leg (same seq, same key) → no events', spec, withPosition, settle(increased()), []);
test('older leg (seq below the high-water mark) → no events', spec, withPosition, settle(increased({ seq: 3, tradeId: 't0' }, 't0:OPEN')), []);
test('settle ✗ uses more frozen margin than the order holds', rejects, withOrder, settle(increased({ frozenMarginUsed: '10.5', margin: '10.5', refund: '0.04' })), 'INVARIANT');
test('settle ✗ open leg for an order with nothing frozen', rejects, funded, settle(increased()), 'INVARIANT');
test('settle ✗ refund disagrees with margin and fee', rejects, withOrder, settle(increased({ refund: '0.05' })), 'INVARIANT');
test('settle ✗ margin above the frozen margin used', rejects, withOrder, settle(increased({ margin: '11', frozenMarginUsed: '10', refund: '0' })), 'INVARIANT');
test('settle ✗ releases more margin than held', rejects, withPosition, settle(released({ seq: 8, tradeId: 't2', marginReleased: '10.00000001' }, 't2:CLOSE')), 'INVARIANT');
test('settle ✗ malformed amount from the position', rejects, withPosition, settle(released({ seq: 8, tradeId: 't2', fee: '1e-3' }, 't2:CLOSE')), 'INVARIANT');

// ===== UnfreezeFunds =====
test('unfreeze at order end releases what is still frozen', spec, withOrder, unfreeze('o1', '10', '0.06'), [unfrozen('o1', '10', '0.06')]);
test('unfreeze after a partial use releases the rest', spec, [...funded, frozen('o1', '20', '0.12'), tradeSettled({ margin: '10', frozenMarginUsed: '10', frozenFeeUsed: '0.06', fee: '0.02', refund: '0.04', feeShortfall: '0' })], unfreeze('o1', '10', '0.06'), [unfrozen('o1', '10', '0.06')]);
test('unfreeze of an order frozen at zero', spec, [...funded, frozen('o1', '0', '0', '0')], unfreeze('o1', '0', '0'), [unfrozen('o1', '0', '0')]);
test('unfreeze of an order never frozen here with nothing to release → no events', spec, funded, unfreeze('o7', '0', '0'), []);
test('unfreeze repeated → no events', spec, [...withOrder, unfrozen('o1', '10', '0.06')], unfreeze('o1', '10', '0.06'), []);
test('unfreeze ✗ repeated with other amounts', rejects, [...withOrder, unfrozen('o1', '10', '0.06')], unfreeze('o1', '9', '0.06'), { code: 'IDEMPOTENCY_KEY_REUSED', reason: 'IDEMPOTENCY_KEY_REUSED' });
test('unfreeze ✗ more than frozen for the order', rejects, withOrder, unfreeze('o1', '10.1', '0.06'), 'INVARIANT');
test('unfreeze ✗ less than frozen (funds would stay locked)', rejects, withOrder, unfreeze('o1', '9', '0.06'), 'INVARIANT');
test('unfreeze ✗ unknown order with an amount', rejects, funded, unfreeze('o7', '1', '0'), 'INVARIANT');

// ===== SettleLiquidation =====
const liquidate = (marginReleased: string, realizedPnl: string, requestId = 'liq1'): AccountCommand => ({ type: 'SettleLiquidation', userId: U, symbol: S, asset: A, requestId, marginReleased, realizedPnl });
const liquidated = (marginReleased: string, realizedPnl: string, requestId = 'liq1'): AccountEvent => ({
  type: 'LiquidationSettled', key: requestId, data: { userId: U, asset: A, symbol: S, requestId, marginReleased, realizedPnl, lines: liquidationLines({ asset: A, symbol: S, marginReleased, realizedPnl }) },
});
test('liquidation releases margin and realises the loss, no fee', spec, withPosition, liquidate('10', '-9'), [liquidated('10', '-9')]);
test('liquidation beyond margin leaves a deficit', spec, withPosition, liquidate('10', '-120'), [liquidated('10', '-120')]);
test('liquidation repeated → no events', spec, [...withPosition, liquidated('10', '-9')], liquidate('10', '-9'), []);
test('liquidation ✗ repeated with another PnL', rejects, [...withPosition, liquidated('10', '-9')], liquidate('10', '-8'), { code: 'IDEMPOTENCY_KEY_REUSED', reason: 'IDEMPOTENCY_KEY_REUSED' });
test('liquidation ✗ more margin than held', rejects, withPosition, liquidate('11', '0'), 'INVARIANT');

// ===== cross-cutting =====
test('a command for another user is an invariant breach', rejects, funded, { ...deposit('1', 'tx-x'), userId: 'u2' }, 'INVARIANT');

test('balances follow the lines: available, frozen, margin and deficit', (t) => {
  const state = fold(withPosition);
  t.deepEqual(state.balances[A], { available: '89.98', frozen: '0', margins: { [S]: '10' } });
  t.is(availableOf(state, A).toFixed(), '89.98');
  t.true(deficitOf(state, A).isZero());
  const owing = fold(inDeficit);
  t.is(deficitOf(owing, A).toFixed(), '5.08');
  const repaid = evolve(owing, decide(deposit('6', 'tx6'), owing)[0]!);
  t.true(deficitOf(repaid, A).isZero());
  t.is(availableOf(repaid, A).toFixed(), '0.92');
});

test('remembered keys stay bounded', (t) => {
  let state = initialState();
  for (let i = 0; i < 1500; i++) state = evolve(state, deposited('1', `tx${i}`));
  t.is(state.recentTxIds.length, 1000);
  t.is(state.balances[A]!.available, '1500');
  t.deepEqual(decide(deposit('1', 'tx1499'), state), []);
});
