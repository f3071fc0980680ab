import test from 'ava';
import { canonical, isCanonical, isDecimalInput, sum } from '../../domain/money/decimal.js';
import { entryPrice, fee, initialMargin, liquidationPrice, maintenanceMargin, notional, realizedPnl, share, unrealizedPnl } from '../../domain/money/rules.js';
import { nonNegativeAmount, positiveInput, signedAmount } from '../../domain/money/amounts.js';

test('canonical form: plain, no trailing zeros, "0" for zero', (t) => {
  t.is(canonical('1.500'), '1.5');
  t.is(canonical('-0.0'), '0');
  t.is(canonical('1e-9'), '0.000000001');
  t.is(canonical('12345678901234567890.12345678'), '12345678901234567890.12345678');
  t.true(isCanonical('0.1'));
  t.false(isCanonical('0.10'));
  t.false(isCanonical('-0'));
  t.false(isCanonical('01'));
});

test('API input grammar', (t) => {
  t.true(isDecimalInput('0.12345678'));
  t.false(isDecimalInput('0.123456789'));
  t.false(isDecimalInput('1e5'));
  t.false(isDecimalInput('-1'));
  t.false(isDecimalInput('12345678901234567'));
  t.is(sum(['0.1', '0.2']).toFixed(), '0.3');
});

test('initial margin divides by leverage, floors at IMR, rounds up', (t) => {
  t.is(initialMargin('100', '3', '0.001', 7, '0.01').toFixed(), '0.04285715');
  t.is(initialMargin('100', '3', '0.001', 200, '0.01').toFixed(), '0.003');
  t.is(initialMargin('33333.5', '1', '1', 3, '0.01').toFixed(), '11111.16666667');
});

test('fee rounds up; notional exact', (t) => {
  t.is(notional('30000.5', '3', '0.001').toFixed(), '90.0015');
  t.is(fee('90.0015', '0.0006').toFixed(), '0.0540009');
  t.is(fee('90.0015', '0.00061').toFixed(), '0.05490092'); // 0.054900915 up
  t.is(fee('0.00000001', '0.0006').toFixed(), '0.00000001');
  t.is(fee('100', '0').toFixed(), '0');
});

test('share rounds down and the last share takes the rest (no dust)', (t) => {
  t.is(share('10', '1', '3').toFixed(), '3.33333333');
  const first = share('10', '1', '3');
  const second = share(dec10minus(first), '1', '2');
  const last = share(dec10minus(first.plus(second)), '1', '1');
  t.is(first.plus(second).plus(last).toFixed(), '10');
  t.is(share('10', '3', '3').toFixed(), '10');
  t.throws(() => share('10', '4', '3'), { instanceOf: RangeError });
});
function dec10minus(x: { toFixed(): string }): string {
  return canonical(sum(['10', `-${x.toFixed()}`]));
}

test('realised PnL is exact for both sides', (t) => {
  t.is(realizedPnl(true, '110', '100.00000001').toFixed(), '9.99999999');
  t.is(realizedPnl(false, '110', '100').toFixed(), '-10');
});

test('entry price, uPnL and maintenance margin', (t) => {
  t.is(entryPrice('100', '3', '1')!.toFixed(), '33.33333333');
  t.is(entryPrice('0', '0', '1'), undefined);
  t.is(unrealizedPnl(true, '100', '1', '1', '90').toFixed(), '-10');
  t.is(unrealizedPnl(false, '100', '1', '1', '90').toFixed(), '10');
  t.is(maintenanceMargin('100', '3', '0.001', '0.005').toFixed(), '0.0015');
  t.is(maintenanceMargin('33.33333333', '1', '1', '0.005').toFixed(), '0.16666667');
});

test('liquidation price, isolated, from the exact entryNotional', (t) => {
  // long 1 @ 100, margin 10, MMR 0.005: (100 − 10) / 0.995 = 90.45226130…
  t.is(liquidationPrice(true, '100', '10', '1', '1', '0.005')!.toFixed(), '90.45226131');
  // short: (100 + 10) / 1.005 = 109.45273631…
  t.is(liquidationPrice(false, '100', '10', '1', '1', '0.005')!.toFixed(), '109.45273632');
  // fully margined long (1x): ≤ 0 → none
  t.is(liquidationPrice(true, '100', '100', '1', '1', '0.005'), undefined);
  t.is(liquidationPrice(true, '0', '0', '0', '1', '0.005'), undefined);
});

test('amount parsing: user input and canonical internal amounts', (t) => {
  t.is(positiveInput('1.50', 'INVALID_AMOUNT', 'amount').toFixed(), '1.5');
  t.like(t.throws(() => positiveInput('0', 'INVALID_AMOUNT', 'amount')), { code: 'BAD_USER_INPUT', reason: 'INVALID_AMOUNT' });
  t.like(t.throws(() => positiveInput(5 as unknown as string, 'INVALID_AMOUNT', 'amount')), { reason: 'INVALID_AMOUNT' });
  t.is(nonNegativeAmount('0', 'fee').toFixed(), '0');
  t.throws(() => nonNegativeAmount('0.10', 'fee'));
  t.throws(() => nonNegativeAmount('-1', 'fee'));
  t.throws(() => nonNegativeAmount('0.000000001', 'fee'));
  t.is(signedAmount('-2.5', 'pnl').toFixed(), '-2.5');
  t.throws(() => signedAmount('-0', 'pnl'));
  t.throws(() => signedAmount('abc', 'pnl'));
});
