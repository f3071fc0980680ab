import test, { type ExecutionContext } from 'ava';
import { orderDecider, validatePlaceOrder, firstRejection, averageFillPrice, isOrderEnd, type OrderCommand, type OrderEvent, type OrderState, type PlaceOrderInput } from '../../domain/order/index.js';
import type { Instrument } from '../../domain/instrument/index.js';
import { DomainError, DomainInvariantError } from '../../domain/shared/errors.js';

const { initialState, evolve, decide } = orderDecider;
const BTC: Instrument = {
  symbol: 'BTC-PERP', quoteAsset: 'USDT', contractSize: '0.001', tickSize: '0.5', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0006',
  initialMarginRate: '0.01', maintenanceMarginRate: '0.005', maxLeverage: 100, defaultLeverage: 10, marketProtection: '0.05',
};
const O = 'o1';
const U = 'u1';
const fold = (given: readonly OrderEvent[]): OrderState => given.reduce((s, e) => evolve(s, e), initialState());

const spec = test.macro((t: ExecutionContext, given: OrderEvent[], when: OrderCommand, then: OrderEvent[]) => {
  t.deepEqual(decide(when, fold(given)), then);
});
const rejects = test.macro((t: ExecutionContext, given: OrderEvent[], when: OrderCommand, expected: { code: string; reason?: string } | 'INVARIANT') => {
  const state = fold(given);
  const before = JSON.stringify(state);
  const error = t.throws(() => decide(when, state));
  if (expected === 'INVARIANT') t.true(error instanceof DomainInvariantError, String(error));
  else {
    t.true(error instanceof DomainError, String(error));
    t.like(error, expected);
  }
  t.is(JSON.stringify(state), before);
});

const limit: PlaceOrderInput = { symbol: 'BTC-PERP', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: '100', qty: '10' };
const place = (input: Partial<PlaceOrderInput> = {}): OrderCommand => ({ type: 'PlaceOrder', orderId: O, userId: U, clientOrderId: 'c1', input: { ...limit, ...input }, instrument: BTC });
const placed = (over: Record<string, unknown> = {}): OrderEvent => ({
  type: 'OrderPlaced', key: O,
  data: { orderId: O, userId: U, clientOrderId: 'c1', symbol: 'BTC-PERP', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: '100', qty: '10', reduceOnly: false, ...over },
});
const acceptCmd: OrderCommand = { type: 'AcceptOrder', orderId: O, intent: 'INCREASE', closeQty: '0', openQty: '10', leverage: 10, protectedPrice: '100', frozenMargin: '0.1', frozenFee: '0.0006' };
const accepted = (cancelledAtAcceptance = false): OrderEvent => ({
  type: 'OrderAccepted', key: `${O}:ACCEPT`,
  data: {
    orderId: O, userId: U, symbol: 'BTC-PERP', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: '100', qty: '10', reduceOnly: false, intent: 'INCREASE', closeQty: '0', openQty: '10', leverage: 10, protectedPrice: '100', frozenMargin: '0.1', frozenFee: '0.0006', cancelledAtAcceptance },
});
const ref = { orderId: O, userId: U, symbol: 'BTC-PERP' };
const cancelRequested: OrderEvent = { type: 'OrderCancelRequested', key: `${O}:CANCEL`, data: ref };
const fill = (tradeId: string, qty: string, price: string, fee = '0.001'): OrderCommand => ({ type: 'RecordFill', orderId: O, tradeId, qty, price, fee, liquidity: 'TAKER' });
const filled = (type: 'OrderPartiallyFilled' | 'OrderFilled', tradeId: string, qty: string, price: string, totals: { filledQty: string; remainingQty: string; averageFillPrice: string; feeTotal: string }, fee = '0.001'): OrderEvent => ({
  type, key: tradeId, data: { ...ref, tradeId, qty, price, fee, liquidity: 'TAKER', ...totals },
});
const live = [placed(), accepted()];
const partly = [...live, filled('OrderPartiallyFilled', 't1', '4', '100', { filledQty: '4', remainingQty: '6', averageFillPrice: '100', feeTotal: '0.001' })];

// ===== validatePlaceOrder: rejection table in precedence order =====
const bad: Array<[string, PlaceOrderInput, Instrument | undefined, string]> = [
  ['unknown symbol', { ...limit, symbol: 'ETH-PERP' }, BTC, 'UNKNOWN_SYMBOL'],
  ['no instrument', limit, undefined, 'UNKNOWN_SYMBOL'],
  ['bad side (before qty)', { ...limit, side: 'UP' as never, qty: '0' }, BTC, 'INVALID_SIDE'],
  ['bad type', { ...limit, type: 'STOP' as never }, BTC, 'INVALID_ORDER_TYPE'],
  ['zero qty (before price)', { ...limit, qty: '0', price: '-1' }, BTC, 'INVALID_QUANTITY'],
  ['negative qty', { ...limit, qty: '-1' }, BTC, 'INVALID_QUANTITY'],
  ['qty in exponent form', { ...limit, qty: '1e2' }, BTC, 'INVALID_QUANTITY'],
  ['off-lot qty (before price)', { ...limit, qty: '1.5', price: '100.3' }, BTC, 'INVALID_LOT'],
  ['LIMIT without price', { ...limit, price: null }, BTC, 'INVALID_PRICE'],
  ['MARKET with price', { ...limit, type: 'MARKET' }, BTC, 'INVALID_PRICE'],
  ['zero price', { ...limit, price: '0' }, BTC, 'INVALID_PRICE'],
  ['price with 9 decimals', { ...limit, price: '100.000000001' }, BTC, 'INVALID_PRICE'],
  ['off-tick price (before tif)', { ...limit, price: '100.3', timeInForce: 'DAY' as never }, BTC, 'INVALID_TICK'],
  ['unknown tif', { ...limit, timeInForce: 'DAY' as never }, BTC, 'INVALID_TIME_IN_FORCE'],
  ['MARKET POST_ONLY', { ...limit, type: 'MARKET', price: null, timeInForce: 'POST_ONLY' }, BTC, 'INVALID_TIME_IN_FORCE'],
];
for (const [name, input, instrument, reason] of bad) {
  test(`validatePlaceOrder ✗ ${name} → ${reason}`, (t) => {
    t.like(t.throws(() => validatePlaceOrder(input, instrument)), { code: 'BAD_USER_INPUT', reason });
  });
}
test('validatePlaceOrder: MARKET GTC is stored as IOC, FOK stays, decimals canonical, defaults', (t) => {
  t.deepEqual(validatePlaceOrder({ symbol: 'BTC-PERP', side: 'SELL', type: 'MARKET', qty: '3.0' }, BTC), { symbol: 'BTC-PERP', side: 'SELL', type: 'MARKET', timeInForce: 'IOC', price: null, qty: '3', reduceOnly: false });
  t.is(validatePlaceOrder({ ...limit, type: 'MARKET', price: null, timeInForce: 'FOK' }, BTC).timeInForce, 'FOK');
  t.is(validatePlaceOrder({ ...limit, price: '100.50', timeInForce: 'POST_ONLY' }, BTC).price, '100.5');
});

// ===== PlaceOrder =====
test('place → OrderPlaced (PENDING)', spec, [], place(), [placed()]);
test('place market GTC → stored IOC without a price', spec, [], place({ type: 'MARKET', price: null }), [placed({ type: 'MARKET', price: null, timeInForce: 'IOC' })]);
test('place repeated with the same payload → no events', spec, [placed()], place(), []);
test('place repeated with a non-canonical but equal payload → no events', spec, [placed()], place({ price: '100.0' }), []);
test('place ✗ off-tick price', rejects, [], place({ price: '100.25' }), { code: 'BAD_USER_INPUT', reason: 'INVALID_TICK' });
test('place ✗ repeated clientOrderId with another payload', rejects, [placed()], place({ qty: '11' }), { code: 'IDEMPOTENCY_KEY_REUSED' });

// ===== AcceptOrder / RejectOrder =====
test('accept → NEW', spec, [placed()], acceptCmd, [accepted()]);
test('accept after a cancel while PENDING → accepted and cancelled in one append', spec, [placed(), cancelRequested], acceptCmd, [
  accepted(true), { type: 'OrderCancelled', key: `${O}:END`, data: { ...ref, filledQty: '0', remainingQty: '10' } },
]);
test('accept repeated → no events', spec, live, acceptCmd, []);
test('accept repeated against a stored acceptance listing its fields in another order → no events', spec,
  [placed(), { ...accepted(), data: Object.fromEntries(Object.entries(accepted().data).reverse()) } as OrderEvent], acceptCmd, []);
test('accept ✗ repeated where the stored acceptance carries other order fields', rejects,
  [placed(), { ...accepted(), data: { ...accepted().data, price: '101' } } as OrderEvent], acceptCmd, { code: 'IDEMPOTENCY_KEY_REUSED' });
test('accept ✗ unknown order', rejects, [], acceptCmd, { code: 'NOT_FOUND' });
test('accept ✗ repeated with other amounts', rejects, live, { ...acceptCmd, frozenMargin: '0.2' }, { code: 'IDEMPOTENCY_KEY_REUSED' });
test('accept ✗ of a rejected order', rejects, [placed(), { type: 'OrderRejected', key: `${O}:ACCEPT`, data: { ...ref, reason: 'INSUFFICIENT_MARGIN' } }], acceptCmd, 'INVARIANT');
test('accept ✗ close + open ≠ qty', rejects, [placed()], { ...acceptCmd, openQty: '9' }, 'INVARIANT');
for (const reason of ['REDUCE_ONLY_WOULD_OPEN', 'ACCOUNT_IN_DEFICIT', 'NO_MARK_PRICE', 'INSUFFICIENT_MARGIN'] as const) {
  test(`reject ${reason} → REJECTED`, spec, [placed()], { type: 'RejectOrder', orderId: O, reason }, [{ type: 'OrderRejected', key: `${O}:ACCEPT`, data: { ...ref, reason } }]);
}
test('reject repeated → no events', spec, [placed(), { type: 'OrderRejected', key: `${O}:ACCEPT`, data: { ...ref, reason: 'NO_MARK_PRICE' } }], { type: 'RejectOrder', orderId: O, reason: 'NO_MARK_PRICE' }, []);
test('reject ✗ of an accepted order', rejects, live, { type: 'RejectOrder', orderId: O, reason: 'NO_MARK_PRICE' }, 'INVARIANT');
test('firstRejection follows DESIGN §5 precedence', (t) => {
  t.is(firstRejection(['INSUFFICIENT_MARGIN', 'NO_MARK_PRICE', 'ACCOUNT_IN_DEFICIT']), 'ACCOUNT_IN_DEFICIT');
  t.is(firstRejection(['INSUFFICIENT_MARGIN', 'REDUCE_ONLY_WOULD_OPEN']), 'REDUCE_ONLY_WOULD_OPEN');
  t.is(firstRejection(['INSUFFICIENT_MARGIN', 'NO_MARK_PRICE']), 'NO_MARK_PRICE');
  t.is(firstRejection([]), undefined);
});

// ===== RequestCancel =====
const cancel: OrderCommand = { type: 'RequestCancel', orderId: O, userId: U };
test('cancel while PENDING → requested', spec, [placed()], cancel, [cancelRequested]);
test('cancel while NEW → requested (matching will answer)', spec, live, cancel, [cancelRequested]);
test('cancel repeated → no events', spec, [...live, cancelRequested], cancel, []);
test('cancel of an ended order → no events (returned unchanged)', spec, [...live, { type: 'OrderCancelled', key: `${O}:END`, data: { ...ref, filledQty: '0', remainingQty: '10' } }], cancel, []);
test('cancel ✗ another user’s order looks missing', rejects, live, { ...cancel, userId: 'u2' }, { code: 'NOT_FOUND' });
test('cancel ✗ unknown order', rejects, [], cancel, { code: 'NOT_FOUND' });

// ===== RecordFill =====
test('first partial fill', spec, live, fill('t1', '4', '100'), [filled('OrderPartiallyFilled', 't1', '4', '100', { filledQty: '4', remainingQty: '6', averageFillPrice: '100', feeTotal: '0.001' })]);
test('last fill → OrderFilled with the average price and total fee', spec, partly, fill('t2', '6', '99.5', '0.002'), [
  filled('OrderFilled', 't2', '6', '99.5', { filledQty: '10', remainingQty: '0', averageFillPrice: '99.7', feeTotal: '0.003' }, '0.002'),
]);
test('average fill price rounds half-even at 8 dp', (t) => {
  t.is(averageFillPrice({ filledQty: '3', filledPriceQty: '300.5' }), '100.16666667');
  t.is(averageFillPrice({ filledQty: '0', filledPriceQty: '0' }), undefined);
});
test('fill after a cancel request is still recorded (race with the book)', spec, [...partly, cancelRequested], fill('t2', '1', '100'), [
  filled('OrderPartiallyFilled', 't2', '1', '100', { filledQty: '5', remainingQty: '5', averageFillPrice: '100', feeTotal: '0.002' }),
]);
test('fill repeated (same tradeId) → no events', spec, partly, fill('t1', '4', '100'), []);
test('fill ✗ same tradeId with another payload', rejects, partly, fill('t1', '5', '100'), 'INVARIANT');
test('fill ✗ beyond the remaining quantity', rejects, partly, fill('t2', '7', '100'), 'INVARIANT');
test('fill ✗ on a PENDING order', rejects, [placed()], fill('t1', '1', '100'), 'INVARIANT');

// ===== EndOrder =====
const endCancel: OrderCommand = { type: 'EndOrder', orderId: O, outcome: 'CANCELLED' };
const endExpire = (reason: 'IOC' | 'NO_LIQUIDITY' | 'SELF_TRADE'): OrderCommand => ({ type: 'EndOrder', orderId: O, outcome: 'EXPIRED', reason });
test('book cancel of a partly filled order keeps its fills', spec, [...partly, cancelRequested], endCancel, [{ type: 'OrderCancelled', key: `${O}:END`, data: { ...ref, filledQty: '4', remainingQty: '6' } }]);
test('expiry with its reason', spec, partly, endExpire('IOC'), [{ type: 'OrderExpired', key: `${O}:END`, data: { ...ref, filledQty: '4', remainingQty: '6', reason: 'IOC' } }]);
test('end repeated → no events (exactly one end)', spec, [...live, { type: 'OrderExpired', key: `${O}:END`, data: { ...ref, filledQty: '0', remainingQty: '10', reason: 'NO_LIQUIDITY' } }], endExpire('NO_LIQUIDITY'), []);
test('end ✗ a second, different end', rejects, [...live, { type: 'OrderExpired', key: `${O}:END`, data: { ...ref, filledQty: '0', remainingQty: '10', reason: 'NO_LIQUIDITY' } }], endCancel, 'INVARIANT');
test('end ✗ of a filled order', rejects, [...partly, filled('OrderFilled', 't2', '6', '100', { filledQty: '10', remainingQty: '0', averageFillPrice: '100', feeTotal: '0.002' })], endCancel, 'INVARIANT');
test('end ✗ expiry without a reason', rejects, live, { type: 'EndOrder', orderId: O, outcome: 'EXPIRED' }, 'INVARIANT');
test('end ✗ of a PENDING order', rejects, [placed()], endCancel, 'INVARIANT');

test('state machine: statuses along the way and one end event', (t) => {
  let s = initialState();
  const seen: string[] = [];
  const run = (c: OrderCommand) => {
    for (const e of decide(c, s)) {
      s = evolve(s, e);
      seen.push(e.type);
    }
    return s.status;
  };
  t.is(run(place()), 'PENDING');
  t.is(run(acceptCmd), 'NEW');
  t.is(run(fill('t1', '3', '100')), 'PARTIALLY_FILLED');
  t.is(run(fill('t2', '7', '101')), 'FILLED');
  t.is(run(fill('t2', '7', '101')), 'FILLED');
  t.is(seen.filter(isOrderEnd).length, 1);
  t.is(s.feeTotal, '0.002');
});
