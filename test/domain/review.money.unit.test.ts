import test from 'ava';
import { canonical, dec, isCanonical } from '../../domain/money/decimal.js';
import { entryPrice, fee, initialMargin, liquidationPrice, notional, share } from '../../domain/money/rules.js';
import { instrumentDecider, orderFreeze, protectedPrice, validateInstrument, type InstrumentInput } from '../../domain/instrument/index.js';
import { DomainError } from '../../domain/shared/errors.js';

/**
 * Independent review of DESIGN §4 (money and instruments). Every expected value is worked out by
 * hand from the DESIGN text in the comment next to it, never copied from the code's output.
 */

test('review §4: initial margin = max(n / leverage, n × IMR) rounded up; leverage 3 divides, never multiplies by 1/3', (t) => {
  // n = 100 × 1 × 1 = 100; 100 / 3 = 33.333…; 100 × 0.1 = 10 → 33.33333333|3… rounded UP → 33.33333334
  t.is(canonical(initialMargin('100', '1', '1', 3, '0.1')), '33.33333334');
  // a multiply by a rounded 1/3 (0.33333333) would give 33.333333 — the DESIGN forbids it
  t.not(canonical(initialMargin('100', '1', '1', 3, '0.1')), '33.333333');
  // n = 100.01 × 1 × 1; /3 = 33.33666666…; × 0.1 = 10.001 → 33.33666667
  t.is(canonical(initialMargin('100.01', '1', '1', 3, '0.1')), '33.33666667');
  // leverage where IMR dominates: n = 100.01; /20 = 5.0005; × 0.1 = 10.001 → 10.001
  t.is(canonical(initialMargin('100.01', '1', '1', 20, '0.1')), '10.001');
  // IMR dominating with rounding: n = 0.00000007 × 1 × 1 (tick 1e-8): × 0.15 = 0.0000000105 → up 0.00000002
  t.is(canonical(initialMargin('0.00000007', '1', '1', 20, '0.15')), '0.00000002');
  // contract size enters the notional: p 50000, q 3, cs 0.001 → n = 150; /7 = 21.4285714285… → 21.42857143
  t.is(canonical(initialMargin('50000', '3', '0.001', 7, '0.01')), '21.42857143');
});

test('review §4: a fee is n × rate rounded up at 8 dp', (t) => {
  // 1.23456789 × 0.0005 = 0.000617283945 → up → 0.00061729 (down would be 0.00061728)
  t.is(canonical(fee('1.23456789', '0.0005')), '0.00061729');
  // exact: 300.03 × 0.0005 = 0.150015 → no rounding
  t.is(canonical(fee('300.03', '0.0005')), '0.150015');
  // zero rate → "0"
  t.is(canonical(fee('300.03', '0')), '0');
});

test('review §4: share rounds down and the last share takes the exact remainder', (t) => {
  // L = 10 over R = 3 in three fills of 1: 10/3 = 3.33333333|3 ↓ 3.33333333; left 6.66666667 over 2: 3.333333335 ↓ 3.33333333;
  // last (q = R): 3.33333334 exactly; Σ = 10
  const first = share('10', '1', '3');
  t.is(canonical(first), '3.33333333');
  const second = share(dec('10').minus(first), '1', '2');
  t.is(canonical(second), '3.33333333');
  const last = share(dec('10').minus(first).minus(second), '1', '1');
  t.is(canonical(last), '3.33333334');
  t.is(canonical(first.plus(second).plus(last)), '10');
  // 2 of 3 at once: 10 × 2 / 3 = 6.666666666… ↓ 6.66666666 (rounding half-even or up would give …67)
  t.is(canonical(share('10', '2', '3')), '6.66666666');
});

test('review §4: protected price rounds to the tick away from the mark', (t) => {
  const inst = { tickSize: '0.1', marketProtection: '0.05' };
  // buy: 100.03 × 1.05 = 105.0315 → next tick up 105.1; sell: 100.03 × 0.95 = 95.0285 → next tick down 95.0
  t.is(protectedPrice('100.03', 'BUY', inst), '105.1');
  t.is(protectedPrice('100.03', 'SELL', inst), '95');
  // on the grid already: 100 × 1.05 = 105, 100 × 0.95 = 95 → unchanged
  t.is(protectedPrice('100', 'BUY', inst), '105');
  t.is(protectedPrice('100', 'SELL', inst), '95');
  // tick 0.5, protection 0.1: 101 × 1.1 = 111.1 → 111.5; 101 × 0.9 = 90.9 → 90.5
  t.is(protectedPrice('101', 'BUY', { tickSize: '0.5', marketProtection: '0.1' }), '111.5');
  t.is(protectedPrice('101', 'SELL', { tickSize: '0.5', marketProtection: '0.1' }), '90.5');
});

test('review §4: an order freeze is margin and taker fee for the open quantity, each rounded up', (t) => {
  const inst = validateInstrument({
    symbol: 'REV', quoteAsset: 'USDT', contractSize: '1', tickSize: '0.01', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0007',
    initialMarginRate: '0.1', maintenanceMarginRate: '0.05', maxLeverage: 20, defaultLeverage: 3,
  });
  // 2 @ 100.01 at leverage 3: n = 200.02; /3 = 66.67333… ↑ 66.67333334; fee 200.02 × 0.0007 = 0.140014 (taker, exact)
  t.deepEqual(orderFreeze(inst, '100.01', '2', 3), { margin: '66.67333334', fee: '0.140014' });
  // no open quantity → nothing frozen
  t.deepEqual(orderFreeze(inst, '100.01', '0', 3), { margin: '0', fee: '0' });
});

const base: InstrumentInput = {
  symbol: 'REV-PERP', quoteAsset: 'USDT', contractSize: '1', tickSize: '0.01', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0005',
  initialMarginRate: '0.1', maintenanceMarginRate: '0.05', maxLeverage: 20, defaultLeverage: 3,
};

const rejections: Array<[string, Partial<InstrumentInput>, string]> = [
  // 0.0001 × 0.001 × 0.001 = 1e-10: ten decimals > 8
  ['tick × lot × cs with 10 decimals', { tickSize: '0.0001', lotSize: '0.001', contractSize: '0.001' }, 'INVALID_CONTRACT_SPEC'],
  // 0.001 × 0.001 × 0.001 = 1e-9: nine decimals > 8 (one past the limit)
  ['tick × lot × cs with 9 decimals', { tickSize: '0.001', lotSize: '0.001', contractSize: '0.001' }, 'INVALID_CONTRACT_SPEC'],
  ['MMR = IMR', { maintenanceMarginRate: '0.1' }, 'INVALID_MARGIN_RATE'],
  ['MMR > IMR', { maintenanceMarginRate: '0.2' }, 'INVALID_MARGIN_RATE'],
  ['default leverage above max', { defaultLeverage: 21 }, 'INVALID_LEVERAGE'],
  ['negative taker fee', { takerFeeRate: '-0.0005' }, 'INVALID_FEE_RATE'],
  ['negative maker fee', { makerFeeRate: '-0.0001' }, 'INVALID_FEE_RATE'],
  ['zero contract size', { contractSize: '0' }, 'INVALID_SIZE'],
  ['zero tick', { tickSize: '0' }, 'INVALID_SIZE'],
  ['negative lot', { lotSize: '-1' }, 'INVALID_SIZE'],
];
for (const [name, over, reason] of rejections) {
  test(`review §4: createInstrument rejects ${name} (${reason})`, (t) => {
    const error = t.throws(() => instrumentDecider.decide({ type: 'ListInstrument', input: { ...base, ...over } }, instrumentDecider.initialState()), { instanceOf: DomainError }) as DomainError;
    t.is(error.code, 'BAD_USER_INPUT');
    t.is(error.reason, reason);
  });
}

test('review §4: createInstrument accepts the limits themselves and an existing symbol is CONFLICT', (t) => {
  // 0.01 × 0.001 × 0.001 = 1e-8: exactly 8 decimals → accepted; zero fee rates are not negative → accepted;
  // default = max leverage → accepted
  const ok = validateInstrument({ ...base, tickSize: '0.01', lotSize: '0.001', contractSize: '0.001', makerFeeRate: '0', takerFeeRate: '0', defaultLeverage: 20 });
  t.like(ok, { tickSize: '0.01', makerFeeRate: '0', defaultLeverage: 20, marketProtection: '0.05' });
  const listed = instrumentDecider.decide({ type: 'ListInstrument', input: base }, instrumentDecider.initialState());
  const state = listed.reduce(instrumentDecider.evolve, instrumentDecider.initialState());
  t.like(t.throws(() => instrumentDecider.decide({ type: 'ListInstrument', input: base }, state)), { code: 'CONFLICT' });
});

test('review §4: canonical decimals — plain, no exponent, no trailing zeros, "0" for zero', (t) => {
  t.is(canonical('1.2300'), '1.23');
  t.is(canonical('0.000'), '0');
  t.is(canonical('-0'), '0');
  t.is(canonical(dec('-0.5').plus('0.5')), '0');
  t.is(canonical('1e-7'), '0.0000001');
  t.is(canonical('1e21'), '1000000000000000000000');
  t.is(canonical(dec('123.4500').times(2)), '246.9');
  t.is(canonical('100.'), '100');
  for (const good of ['0', '1', '-1.5', '0.00000001', '10']) t.true(isCanonical(good), good);
  for (const bad of ['00', '1.0', '1.', '.5', '-0', '1e3', '+1', '01']) t.false(isCanonical(bad), bad);
  // the value every notional takes: exact, e.g. 50000.1 × 3 × 0.001 = 150.0003
  t.is(canonical(notional('50000.1', '3', '0.001')), '150.0003');
});

test('review §4/§5 detail 9: entryPrice = entryNotional / (qty·cs), 8 dp half-even; flat has none', (t) => {
  // 2.00000001 / 2 = 1.000000005 → tie → even digit 0 → 1 (half-up would give 1.00000001)
  t.is(canonical(entryPrice('2.00000001', '2', '1')!), '1');
  // 2.00000003 / 2 = 1.000000015 → tie → even digit 2 → 1.00000002
  t.is(canonical(entryPrice('2.00000003', '2', '1')!), '1.00000002');
  // 100 / 3 = 33.333333333… → 33.33333333
  t.is(canonical(entryPrice('100', '3', '1')!), '33.33333333');
  t.is(entryPrice('0', '0', '1'), undefined);
});

test('review §4: liquidation price from the exact entryNotional and margin, null when ≤ 0', (t) => {
  // long 3 @ 100 (n 300), margin 100, cs 1, MMR 0.05: (100 − 100/3) / 0.95 = 66.6666…/0.95 = 70.17543859649… → 70.1754386
  t.is(canonical(liquidationPrice(true, '300', '100', '3', '1', '0.05')!), '70.1754386');
  // short: (100 + 100/3) / 1.05 = 133.333…/1.05 = 126.98412698412… → 126.98412698
  t.is(canonical(liquidationPrice(false, '300', '100', '3', '1', '0.05')!), '126.98412698');
  // long at leverage 1 (margin = n): (100 − 100) / 0.95 = 0 → null
  t.is(liquidationPrice(true, '300', '300', '3', '1', '0.05'), undefined);
});
