import test from 'ava';
import fc from 'fast-check';
import { Decimal, canonical, dec } from '../../domain/money/decimal.js';
import { isPositiveAmount, isZeroAmount } from '../../domain/position/amounts.js';
import { applyCuts, c, copyOrder, copyState, initialState, legFingerprint } from '../../domain/position/state.js';
import type { Reservation } from '../../domain/position/types.js';
// the Decimal definition applyCuts had before its minor-unit path
import { applyCuts as applyCutsByDecimal } from './support/decimalPositionReference.js';

/** plain texts of both signs, leading zeros allowed, 0..12 decimals: on and off the 8-decimal scale and 2^53 minor units */
const plainText = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,18}$/), fc.stringMatching(/^[0-9]{0,12}$/))
  .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`);

/** canonical positive quantities, mostly small (the fold's) and some beyond the safe range or the scale */
const canonicalQty = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.nat(10))
  .map(([units, scale]) => canonical(new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale))));

test('isZeroAmount / isPositiveAmount are dec(t).isZero() / dec(t).greaterThan(0)', (t) => {
  fc.assert(
    fc.property(plainText, (text) => {
      t.is(isZeroAmount(text), dec(text).isZero());
      t.is(isPositiveAmount(text), dec(text).greaterThan(0));
    }),
    { numRuns: 3000 },
  );
  for (const text of ['0', '-0', '0.000000000', '-0.000000001', '0.000000001', '00.00000001', '90071992.54740991', '90071992.54740992']) {
    t.is(isZeroAmount(text), dec(text).isZero(), text);
    t.is(isPositiveAmount(text), dec(text).greaterThan(0), text);
  }
  t.throws(() => isZeroAmount('abc'));
  t.throws(() => isPositiveAmount('1e5x'));
});

function outcome(f: () => Reservation[]): { ok: Reservation[] } | { error: string } {
  try {
    return { ok: f() };
  } catch (error) {
    return { error: String(error) };
  }
}

test('applyCuts gives the Decimal definition its reservations, strings and refusals', (t) => {
  const qtyText = fc.oneof(canonicalQty, canonicalQty, plainText);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), qtyText), { maxLength: 5 }),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'e'), fc.oneof(canonicalQty, plainText)), { maxLength: 4 }),
      fc.boolean(),
      (rs, cs, cutWhole) => {
        const reservations = rs.map(([orderId, qty]) => ({ orderId, qty }));
        const cuts: Record<string, string> = Object.fromEntries(cs);
        // also cut exactly a reservation's quantity (it must disappear, never show as 0)
        if (cutWhole && reservations.length > 0) cuts[reservations[0]!.orderId] = reservations[0]!.qty;
        t.deepEqual(outcome(() => applyCuts(reservations, cuts)), outcome(() => applyCutsByDecimal(reservations, cuts)));
      },
    ),
    { numRuns: 3000 },
  );
});

test('applyCuts on edges: a "-0" or "0" reservation, a cut below zero, 2^53 minor units', (t) => {
  const cases: Array<[Reservation[], Record<string, string>]> = [
    [[{ orderId: 'a', qty: '-0' }], {}],
    [[{ orderId: 'a', qty: '0' }], { a: '0' }],
    [[{ orderId: 'a', qty: '1' }], { a: '1.00000001' }],
    [[{ orderId: 'a', qty: '90071992.54740991' }], { a: '-0.00000001' }],
    [[{ orderId: 'a', qty: '90071992.54740991' }], { a: '-90071992.54740991' }],
    [[{ orderId: 'a', qty: '0.5' }], { a: '0.500000000' }],
    [[{ orderId: 'a', qty: '0.5' }], { a: 'x' }],
  ];
  for (const [reservations, cuts] of cases) t.deepEqual(outcome(() => applyCuts(reservations, cuts)), outcome(() => applyCutsByDecimal(reservations, cuts)), JSON.stringify([reservations, cuts]));
});

test('copyState is the spread: same keys, same order, same values, a new object', (t) => {
  const s = { ...initialState(), userId: 'u', qty: '1.5', orders: { o: {} as never }, reservations: [{ orderId: 'o', qty: '1' }] };
  const copy = copyState(s);
  t.not(copy, s);
  t.deepEqual(Object.keys(copy), Object.keys({ ...s }));
  t.is(JSON.stringify(copy), JSON.stringify({ ...s }));
});

test('legFingerprint is the | join of the leg fields (null and undefined as empty)', (t) => {
  const part = fc.oneof(fc.string({ maxLength: 6 }), fc.constant(undefined), fc.constant(null), fc.integer());
  fc.assert(
    fc.property(part, part, part, part, part, (orderId, orderSide, price, legQty, liquidity) => {
      const leg = { orderId, orderSide, price, legQty, liquidity } as unknown as Parameters<typeof legFingerprint>[0];
      t.is(legFingerprint(leg), [orderId, orderSide, price, legQty, liquidity].join('|'));
    }),
    { numRuns: 1000 },
  );
});

test('copyOrder is the spread of a tracked order: same keys, order and values, a new object', (t) => {
  const order = {
    orderId: 'o1', side: 'BUY' as const, orderQty: '2', reduceOnly: false, intent: 'OPEN' as never, closeQty: '0', openQty: '2',
    accepted: true, leverage: 10, price: '100.5', openQtyCovered: '2', frozenMargin: '20.1', frozenFee: '0.1',
  };
  const copy = copyOrder(order);
  t.not(copy, order);
  t.deepEqual(Object.keys(copy), Object.keys({ ...order }));
  t.is(JSON.stringify(copy), JSON.stringify({ ...order }));
});

test('applyCuts and the sign tests take what decimal.js takes from event JSON: a number qty, and refuse null as it does', (t) => {
  const numeric = (v: unknown): string => v as string;
  const cases: Array<[Reservation[], Record<string, string>]> = [
    [[{ orderId: 'a', qty: numeric(5) }], { a: '1' }],
    [[{ orderId: 'a', qty: numeric(5) }], {}],
    [[{ orderId: 'a', qty: '5' }], { a: numeric(1.5) }],
    [[{ orderId: 'a', qty: numeric(null) }], { a: '1' }],
    [[{ orderId: 'a', qty: '5' }], { a: numeric(null) }],
  ];
  for (const [reservations, cuts] of cases) t.deepEqual(outcome(() => applyCuts(reservations, cuts)), outcome(() => applyCutsByDecimal(reservations, cuts)), JSON.stringify([reservations, cuts]));
  for (const odd of [undefined, null, 3, -3]) {
    const text = numeric(odd);
    const error = (f: () => unknown): string | undefined => { try { f(); return undefined; } catch (e) { return String(e); } };
    t.is(error(() => isPositiveAmount(text)), error(() => dec(text).greaterThan(0)), String(odd));
    t.is(error(() => isZeroAmount(text)), error(() => dec(text).isZero()), String(odd));
    if (error(() => dec(text)) === undefined) {
      t.is(isZeroAmount(text), dec(text).isZero());
      t.is(isPositiveAmount(text), dec(text).greaterThan(0));
    }
  }
});
