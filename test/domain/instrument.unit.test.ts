import test from 'ava';
import {
  instrumentDecider, validateInstrument, isOnTick, isOnLot, priceToTicks, ticksToPrice, qtyToLots, lotsToQty, protectedPrice, orderFreeze, feeRate,
  type InstrumentCommand, type InstrumentEvent, type InstrumentInput,
} from '../../domain/instrument/index.js';
import { DomainError } from '../../domain/shared/errors.js';

const { initialState, evolve, decide } = instrumentDecider;
const input: InstrumentInput = {
  symbol: 'BTC-PERP', quoteAsset: 'USDT', contractSize: '0.001', tickSize: '0.5', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0006',
  initialMarginRate: '0.01', maintenanceMarginRate: '0.005', maxLeverage: 100, defaultLeverage: 10,
};
const BTC = validateInstrument(input);
const fold = (given: InstrumentEvent[]) => given.reduce((s, e) => evolve(s, e), initialState());
const listed: InstrumentEvent = { type: 'InstrumentListed', key: 'BTC-PERP', data: BTC };
const mark = (price: string, requestId = 'r1'): InstrumentCommand => ({ type: 'SetMarkPrice', symbol: 'BTC-PERP', price, requestId });

test('validateInstrument canonicalises and defaults marketProtection', (t) => {
  t.deepEqual(validateInstrument({ ...input, contractSize: '0.0010', takerFeeRate: '0.00060' }), { ...input, marketProtection: '0.05' });
});

const badInstruments: Array<[string, Partial<InstrumentInput>, string]> = [
  ['symbol with lower case', { symbol: 'btc-perp' }, 'INVALID_SYMBOL'],
  ['symbol with underscore', { symbol: 'BTC_PERP', contractSize: '0' }, 'INVALID_SYMBOL'],
  ['asset', { quoteAsset: 'usdt' }, 'INVALID_ASSET'],
  ['zero contract size', { contractSize: '0' }, 'INVALID_SIZE'],
  ['negative tick size', { tickSize: '-0.5' }, 'INVALID_SIZE'],
  ['zero lot size (before fee rates)', { lotSize: '0', makerFeeRate: '-1' }, 'INVALID_SIZE'],
  ['tick × lot × cs beyond 8 decimals', { tickSize: '0.00001', lotSize: '0.001', contractSize: '0.01' }, 'INVALID_CONTRACT_SPEC'],
  ['negative maker fee', { makerFeeRate: '-0.0001' }, 'INVALID_FEE_RATE'],
  ['taker fee ≥ 1', { takerFeeRate: '1' }, 'INVALID_FEE_RATE'],
  ['IMR 0', { initialMarginRate: '0' }, 'INVALID_MARGIN_RATE'],
  ['MMR = IMR', { maintenanceMarginRate: '0.01' }, 'INVALID_MARGIN_RATE'],
  ['MMR > IMR (before leverage)', { maintenanceMarginRate: '0.02', maxLeverage: 0 }, 'INVALID_MARGIN_RATE'],
  ['max leverage 0', { maxLeverage: 0 }, 'INVALID_LEVERAGE'],
  ['fractional leverage', { defaultLeverage: 2.5 }, 'INVALID_LEVERAGE'],
  ['default above max', { defaultLeverage: 101 }, 'INVALID_LEVERAGE'],
  ['market protection 1', { marketProtection: '1' }, 'INVALID_MARKET_PROTECTION'],
];
for (const [name, over, reason] of badInstruments) {
  test(`createInstrument ✗ ${name} → ${reason}`, (t) => {
    t.like(t.throws(() => decide({ type: 'ListInstrument', input: { ...input, ...over } }, initialState())), { code: 'BAD_USER_INPUT', reason });
  });
}
test('an exactly-8-decimal tick × lot × cs is accepted', (t) => {
  t.is(validateInstrument({ ...input, tickSize: '0.0001', lotSize: '0.001', contractSize: '0.1' }).tickSize, '0.0001');
});

test('list → InstrumentListed', (t) => t.deepEqual(decide({ type: 'ListInstrument', input }, initialState()), [listed]));
test('list ✗ existing symbol → CONFLICT', (t) => {
  t.like(t.throws(() => decide({ type: 'ListInstrument', input }, fold([listed]))), { code: 'CONFLICT' });
});
test('mark price on the tick grid → MarkPriceSet', (t) => {
  t.deepEqual(decide(mark('30000.50'), fold([listed])), [{ type: 'MarkPriceSet', key: 'r1', data: { symbol: 'BTC-PERP', price: '30000.5', requestId: 'r1' } }]);
});
test('mark price repeated → no events; another price under the same id → IDEMPOTENCY_KEY_REUSED', (t) => {
  const s = fold([listed, { type: 'MarkPriceSet', key: 'r1', data: { symbol: 'BTC-PERP', price: '100', requestId: 'r1' } }]);
  t.is(s.markPrice, '100');
  t.deepEqual(decide(mark('100'), s), []);
  t.like(t.throws(() => decide(mark('100.5'), s)), { code: 'IDEMPOTENCY_KEY_REUSED' });
});
const badMarks: Array<[string, InstrumentCommand, boolean, string, string?]> = [
  ['unlisted symbol', mark('100'), false, 'NOT_FOUND'],
  ['other symbol', { ...mark('100'), symbol: 'ETH-PERP' } as InstrumentCommand, true, 'NOT_FOUND'],
  ['zero', mark('0'), true, 'BAD_USER_INPUT', 'INVALID_PRICE'],
  ['negative', mark('-1'), true, 'BAD_USER_INPUT', 'INVALID_PRICE'],
  ['off tick', mark('100.2'), true, 'BAD_USER_INPUT', 'INVALID_TICK'],
];
for (const [name, cmd, isListed, code, reason] of badMarks) {
  test(`mark price ✗ ${name}`, (t) => {
    const error = t.throws(() => decide(cmd, fold(isListed ? [listed] : [])));
    t.true(error instanceof DomainError);
    t.like(error, reason ? { code, reason } : { code });
  });
}

test('tick and lot checks and exact conversions', (t) => {
  t.true(isOnTick('100.5', BTC));
  t.false(isOnTick('100.25', BTC));
  t.true(isOnLot('3', BTC));
  t.false(isOnLot('3.5', BTC));
  t.is(priceToTicks('100.5', BTC), 201);
  t.is(ticksToPrice(201, BTC), '100.5');
  t.is(qtyToLots('7', { lotSize: '0.001' }), 7000);
  t.is(lotsToQty(7001, { lotSize: '0.001' }), '7.001');
  t.throws(() => priceToTicks('100.25', BTC), { instanceOf: RangeError });
  t.throws(() => qtyToLots('0.0005', { lotSize: '0.001' }), { instanceOf: RangeError });
});

test('protected price rounds to the tick away from the mark', (t) => {
  t.is(protectedPrice('100', 'BUY', BTC), '105');
  t.is(protectedPrice('100.3', 'BUY', BTC), '105.5'); // 105.315 → up
  t.is(protectedPrice('100.3', 'SELL', BTC), '95'); // 95.285 → down
  t.is(protectedPrice('0.5', 'SELL', { tickSize: '0.5', marketProtection: '0.5' }), '0.5'); // never below one tick
});

test('order freeze: margin and taker fee each rounded up', (t) => {
  // notional 100 × 3 × 0.001 = 0.3; /7 = 0.04285714285… → 0.04285715; fee 0.3 × 0.0006 = 0.00018
  t.deepEqual(orderFreeze(BTC, '100', '3', 7), { margin: '0.04285715', fee: '0.00018' });
  t.deepEqual(orderFreeze(BTC, '100', '3', 200), { margin: '0.003', fee: '0.00018' }); // IMR floor wins
  t.deepEqual(orderFreeze(BTC, '100', '0', 10), { margin: '0', fee: '0' });
  t.is(feeRate(BTC, 'MAKER'), '0.0002');
  t.is(feeRate(BTC, 'TAKER'), '0.0006');
});
