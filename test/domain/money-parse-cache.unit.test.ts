import test from 'ava';
import fc from 'fast-check';
import { Decimal, ROUND_CEIL, canonical, dec } from '../../domain/money/decimal.js';

test('a text parsed again is the same value, and operations never change the shared instance', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n }), fc.nat(12), fc.bigInt({ min: 1n, max: 10n ** 12n }), (units, scale, other) => {
      const text = canonical(new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale)));
      const first = dec(text);
      const y = new Decimal(other.toString()).dividedBy(7);
      // every result is a new instance; the cached one keeps its value
      first.plus(y);
      first.times(y).toDecimalPlaces(8, ROUND_CEIL);
      first.negated();
      first.abs();
      first.dividedBy(y);
      first.modulo(y);
      const again = dec(text);
      t.is(again.toFixed(), new Decimal(text).toFixed());
      t.true(again.equals(new Decimal(text)));
    }),
    { numRuns: 500 },
  );
});

test('more distinct texts than the cache holds still parse to their values; bad text still throws', (t) => {
  for (let i = 0; i < 10_000; i++) t.is(dec(`${i}.25`).toFixed(), `${i}.25`);
  t.is(dec('0.25').toFixed(), '0.25');
  t.throws(() => dec('not a number'));
  t.throws(() => dec('not a number'));
});
