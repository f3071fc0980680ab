import test from 'ava';
import { accountDecider, deficitOf, type AccountCommand, type AccountEvent, type AccountState } from '../../domain/account/index.js';
import { averageFillPrice, orderDecider, validatePlaceOrder, type OrderCommand, type OrderEvent, type OrderState, type PlaceOrderInput } from '../../domain/order/index.js';
import type { Instrument } from '../../domain/instrument/index.js';
import { compensationLines, depositLines } from '../../domain/ledger/postings.js';
import { canonical } from '../../domain/money/decimal.js';

/**
 * Independent review of DESIGN §5 settlement details 1 and 5 (freeze iff available ≥ margin + fee,
 * deficit blocks opening orders and withdrawals, closing allowed, deposits repay) and of the
 * order aggregate (averageFillPrice, statuses, one end, MARKET time in force).
 */
const U = 'rev';
const A = 'USDT';
const S = 'REV';

function account(events: AccountEvent[]): AccountState {
  return events.reduce((s, e) => accountDecider.evolve(s, e), accountDecider.initialState());
}
function apply(state: AccountState, command: AccountCommand): { state: AccountState; events: AccountEvent[] } {
  const events = accountDecider.decide(command, state);
  return { state: events.reduce((s, e) => accountDecider.evolve(s, e), state), events };
}
const deposited = (amount: string, txId: string): AccountEvent => ({ type: 'FundsDeposited', key: txId, data: { userId: U, asset: A, amount, txId, lines: depositLines(A, amount) } });
const freeze = (orderId: string, openQty: string, margin: string, fee: string): AccountCommand => ({ type: 'FreezeFunds', userId: U, orderId, symbol: S, asset: A, openQty, margin, fee });

test('review §5 detail 1: the freeze succeeds iff available ≥ margin + fee (each already rounded up, then added)', (t) => {
  // 2 @ 100 at leverage 3 → margin 66.66666667, fee 0.1 → total 66.76666667
  const exact = account([deposited('66.76666667', 'tx1')]);
  t.is(apply(exact, freeze('o1', '2', '66.66666667', '0.1')).events[0]!.type, 'FundsFrozen');
  const short = account([deposited('66.76666666', 'tx1')]);
  const failed = apply(short, freeze('o1', '2', '66.66666667', '0.1')).events[0]!;
  t.is(failed.type, 'FundsFreezeFailed');
  t.like(failed.data, { reason: 'INSUFFICIENT_MARGIN' });
  // the frozen amounts are kept as two amounts on the order
  t.like(apply(exact, freeze('o1', '2', '66.66666667', '0.1')).state.openOrders.o1, { margin: '66.66666667', fee: '0.1' });
});

test('review §5 detail 5: a deficit blocks opening orders and withdrawals, allows closing orders; a deposit repays it', (t) => {
  // 10 deposited, then a compensation of margin 33.33333334 + fee 0.05 from the wallet → available −23.38333334
  const s0 = account([deposited('10', 'tx1')]);
  const comp = {
    type: 'PositionCloseToOpenCompensation', key: 't1:COMPENSATION',
    data: { userId: U, symbol: S, orderId: 'o9', tradeId: 't1', seq: 1, qty: '1', price: '100', margin: '33.33333334', entryNotional: '100', fee: '0.05' },
  };
  const s1 = apply(s0, { type: 'SettleTradeLeg', userId: U, asset: A, effects: [comp] });
  t.deepEqual(s1.events.map((e) => (e.data as { lines?: unknown }).lines), [compensationLines(A, S, '33.33333334', '0.05')]);
  t.is(s1.state.balances[A]!.available, '-23.38333334');
  t.is(canonical(deficitOf(s1.state, A)), '23.38333334');
  // opening order → FundsFreezeFailed ACCOUNT_IN_DEFICIT (even a tiny one that "fits" nothing)
  t.like(apply(s1.state, freeze('o2', '1', '0.1', '0.01')).events[0], { type: 'FundsFreezeFailed', data: { reason: 'ACCOUNT_IN_DEFICIT' } });
  // closing order (openQty 0, nothing to freeze) → allowed
  t.is(apply(s1.state, freeze('o3', '0', '0', '0')).events[0]!.type, 'FundsFrozen');
  // withdrawal → FAILED_PRECONDITION
  t.like(t.throws(() => accountDecider.decide({ type: 'Withdraw', userId: U, asset: A, amount: '1', requestId: 'w1' }, s1.state)), { code: 'FAILED_PRECONDITION' });
  // deposit 23.38333334 repays exactly → available 0, no deficit; a withdrawal of 0.00000001 is then merely above available
  const s2 = apply(s1.state, { type: 'Deposit', userId: U, asset: A, amount: '23.38333334', txId: 'tx2' }).state;
  t.is(s2.balances[A]!.available, '0');
  t.is(canonical(deficitOf(s2, A)), '0');
  t.like(t.throws(() => accountDecider.decide({ type: 'Withdraw', userId: U, asset: A, amount: '0.00000001', requestId: 'w2' }, s2)), { code: 'INSUFFICIENT_FUNDS' });
  // deposit more → opening orders freeze again
  const s3 = apply(s2, { type: 'Deposit', userId: U, asset: A, amount: '1', txId: 'tx3' }).state;
  t.is(apply(s3, freeze('o4', '1', '0.5', '0.01')).events[0]!.type, 'FundsFrozen');
});

// ------------------------------------------------------------------ order

const REV: Instrument = {
  symbol: 'REV', quoteAsset: 'USDT', contractSize: '1', tickSize: '0.00000001', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0005',
  initialMarginRate: '0.1', maintenanceMarginRate: '0.05', maxLeverage: 20, defaultLeverage: 3, marketProtection: '0.05',
};
const O = 'o1';
function order(state: OrderState, command: OrderCommand): { state: OrderState; events: OrderEvent[] } {
  const events = orderDecider.decide(command, state);
  return { state: events.reduce(orderDecider.evolve, state), events };
}
const limit: PlaceOrderInput = { symbol: 'REV', side: 'BUY', type: 'LIMIT', price: '1.00000002', qty: '3' };
const placeCmd = (input: PlaceOrderInput = limit): OrderCommand => ({ type: 'PlaceOrder', orderId: O, userId: U, clientOrderId: 'c', input, instrument: REV });
const acceptCmd: OrderCommand = { type: 'AcceptOrder', orderId: O, intent: 'INCREASE', closeQty: '0', openQty: '3', leverage: 3, protectedPrice: null, frozenMargin: '1.00000002', frozenFee: '0.00150001' };
const fillCmd = (tradeId: string, qty: string, price: string): OrderCommand => ({ type: 'RecordFill', orderId: O, tradeId, qty, price, fee: '0', liquidity: 'TAKER' });

test('review order: averageFillPrice = Σ fill notional / Σ qty·cs at 8 dp half-even', (t) => {
  let s = order(order(orderDecider.initialState(), placeCmd()).state, acceptCmd).state;
  // 1 @ 1 then 1 @ 1.00000001: Σ = 2.00000001 over 2 → 1.000000005 → half-even → 1 (half-up would say 1.00000001)
  s = order(s, fillCmd('t1', '1', '1')).state;
  const second = order(s, fillCmd('t2', '1', '1.00000001'));
  t.like(second.events[0]!.data, { averageFillPrice: '1', filledQty: '2', remainingQty: '1' });
  t.is(averageFillPrice(second.state), '1');
  // third 1 @ 1.00000002: Σ 3.00000003 / 3 = 1.00000001 exactly
  const third = order(second.state, fillCmd('t3', '1', '1.00000002'));
  t.like(third.events[0], { type: 'OrderFilled', data: { averageFillPrice: '1.00000001', remainingQty: '0' } });
  // Σ 2.00000003 / 2 = 1.000000015 → half-even → 1.00000002
  t.is(averageFillPrice({ filledQty: '2', filledPriceQty: '2.00000003' }), '1.00000002');
});

test('review order: statuses PENDING → NEW → PARTIALLY_FILLED → FILLED and exactly one end', (t) => {
  const statuses: Array<string | undefined> = [];
  let s = orderDecider.initialState();
  for (const c of [placeCmd(), acceptCmd, fillCmd('t1', '1', '1'), fillCmd('t2', '2', '1')]) {
    s = order(s, c).state;
    statuses.push(s.status);
  }
  t.deepEqual(statuses, ['PENDING', 'NEW', 'PARTIALLY_FILLED', 'FILLED']);
  // no second end: a cancel returns the ended order unchanged, a book end after FILLED is refused
  t.deepEqual(orderDecider.decide({ type: 'RequestCancel', orderId: O, userId: U }, s), []);
  t.throws(() => orderDecider.decide({ type: 'EndOrder', orderId: O, outcome: 'CANCELLED' }, s));
  // PARTIALLY_FILLED → EXPIRED keeps its fills
  let p = orderDecider.initialState();
  for (const c of [placeCmd(), acceptCmd, fillCmd('t1', '1', '1')]) p = order(p, c).state;
  const expired = order(p, { type: 'EndOrder', orderId: O, outcome: 'EXPIRED', reason: 'SELF_TRADE' });
  t.like(expired.events[0], { type: 'OrderExpired', data: { reason: 'SELF_TRADE', filledQty: '1', remainingQty: '2' } });
  t.is(expired.state.status, 'EXPIRED');
  // PENDING → REJECTED
  const rejected = order(order(orderDecider.initialState(), placeCmd()).state, { type: 'RejectOrder', orderId: O, reason: 'INSUFFICIENT_MARGIN' });
  t.is(rejected.state.status, 'REJECTED');
  t.throws(() => orderDecider.decide(acceptCmd, rejected.state));
});

test('review order: a MARKET order GTC is stored IOC, FOK stays FOK, POST_ONLY is INVALID_TIME_IN_FORCE', (t) => {
  const market: PlaceOrderInput = { symbol: 'REV', side: 'SELL', type: 'MARKET', qty: '2' };
  t.is(validatePlaceOrder(market, REV).timeInForce, 'IOC');
  t.is(validatePlaceOrder({ ...market, timeInForce: 'GTC' }, REV).timeInForce, 'IOC');
  t.is(validatePlaceOrder({ ...market, timeInForce: 'FOK' }, REV).timeInForce, 'FOK');
  t.is(validatePlaceOrder({ ...market, timeInForce: 'IOC' }, REV).price, null);
  t.like(t.throws(() => validatePlaceOrder({ ...market, timeInForce: 'POST_ONLY' }, REV)), { code: 'BAD_USER_INPUT', reason: 'INVALID_TIME_IN_FORCE' });
  // a LIMIT GTC stays GTC
  t.is(validatePlaceOrder(limit, REV).timeInForce, 'GTC');
});
