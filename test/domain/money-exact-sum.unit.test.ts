import test from 'ava';
import fc from 'fast-check';
import { Decimal, canonical, dec, isCanonical } from '../../domain/money/decimal.js';
import {
  ExactSum, NOT_CANONICAL_POSITIVE, OUTSIDE_MINOR_RANGE, bigMinorToCanonical, canonicalPositiveMinor, minorToCanonical, minusCanonical, parseMinor, plusCanonical,
} from '../../domain/money/exactSum.js';

const MAX = Number.MAX_SAFE_INTEGER; // 90071992.54740991 at scale 8

/** a plain decimal text: any sign, integer digits (leading zeros allowed), 0..12 decimals */
const plainText = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,20}$/), fc.stringMatching(/^[0-9]{0,12}$/))
  .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`);

/** a canonical text of a value up to ~10^18 at up to 12 decimals (so both sides of every range) */
const canonicalText = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(12))
  .map(([units, scale]) => canonical(new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale))));

test('parseMinor: the exact minor units of a plain text at ≤ 8 decimals, undefined otherwise', (t) => {
  fc.assert(
    fc.property(plainText, (text) => {
      const m = parseMinor(text);
      const d = new Decimal(text);
      const onScale = (text.split('.')[1]?.length ?? 0) <= 8;
      const exact = onScale ? BigInt(d.times(1e8).toFixed()) : undefined;
      if (exact !== undefined && exact <= BigInt(MAX) && exact >= -BigInt(MAX)) t.is(m, Number(exact));
      else t.is(m, undefined);
    }),
    { numRuns: 3000 },
  );
});

test('parseMinor: edges of the scale, of 2^53 and odd texts', (t) => {
  t.is(parseMinor('0'), 0);
  t.is(parseMinor('-0'), 0);
  t.is(parseMinor('0.00000001'), 1);
  t.is(parseMinor('-0.00000001'), -1);
  t.is(parseMinor('0.000000001'), undefined); // 9 decimals: off the scale
  t.is(parseMinor('1.000000000'), undefined); // even when the extra decimal is 0: the caller's Decimal decides
  t.is(parseMinor('90071992.54740991'), MAX);
  t.is(parseMinor('-90071992.54740991'), -MAX);
  t.is(parseMinor('90071992.54740992'), undefined);
  t.is(parseMinor('90071993'), undefined);
  t.is(parseMinor('00012.5'), 1_250_000_000);
  for (const odd of ['', '-', '.', '.5', '5.', '1e5', '1E5', ' 1', '1 ', '+1', '0x10', '1,5', '١', 'NaN', 'Infinity', '--1', '1.2.3']) t.is(parseMinor(odd), undefined, odd);
});

test('canonicalPositiveMinor agrees with the canonical-positive rule and with the value', (t) => {
  const check = (text: string): void => {
    const wellFormed = isCanonical(text) && !text.startsWith('-') && text !== '0';
    const m = canonicalPositiveMinor(text);
    if (!wellFormed) {
      t.is(m, NOT_CANONICAL_POSITIVE, text);
      return;
    }
    const d = new Decimal(text);
    const exact = d.times(1e8);
    if (d.decimalPlaces() <= 8 && exact.lessThanOrEqualTo(MAX)) t.is(m, exact.toNumber(), text);
    else t.is(m, OUTSIDE_MINOR_RANGE, text);
  };
  fc.assert(fc.property(canonicalText, check), { numRuns: 3000 });
  fc.assert(fc.property(plainText, check), { numRuns: 3000 });
  fc.assert(fc.property(fc.string({ maxLength: 8 }), check), { numRuns: 3000 });
  for (const text of ['0', '-0', '0.0', '0.10', '01', '00.5', '1.', '.5', '-1', '1e3', '0.00000001', '0.000000001', '90071992.54740991', '90071992.54740992', '123456789012345678901234567890', '']) check(text);
});

test('minorToCanonical and bigMinorToCanonical print what canonical() prints for the value', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: -BigInt(MAX), max: BigInt(MAX) }), (units) => {
      const expected = canonical(new Decimal(units.toString()).dividedBy(1e8));
      t.is(minorToCanonical(Number(units)), expected);
      t.is(bigMinorToCanonical(units), expected);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    // the BigInt range of a sum: below 10^50 minor units (within decimal.js' 50 digits)
    fc.property(fc.bigInt({ min: -(10n ** 50n) + 1n, max: 10n ** 50n - 1n }), (units) => {
      t.is(bigMinorToCanonical(units), canonical(new Decimal(units.toString()).dividedBy(1e8)));
    }),
    { numRuns: 1000 },
  );
  for (const m of [0, 1, -1, 100_000_000, -100_000_000, 100_000_001, 10, MAX, -MAX]) t.is(minorToCanonical(m), canonical(new Decimal(m).dividedBy(1e8)));
});

/** the fold as it was: Decimal values, a running sum that starts as the first value */
function decimalFold(values: Decimal[]): Decimal | undefined {
  let acc: Decimal | undefined;
  for (const v of values) acc = acc === undefined ? v : acc.plus(v);
  return acc;
}

function exactFold(values: Decimal[]): ExactSum | undefined {
  let acc: ExactSum | undefined;
  for (const v of values) {
    const m = parseMinor(v.toFixed());
    const amount = m === undefined ? v : m;
    if (acc === undefined) acc = ExactSum.of(amount);
    else acc.add(amount);
  }
  return acc;
}

test('ExactSum equals the Decimal fold: values, strings and comparisons, across every representation', (t) => {
  // magnitudes from dust to far beyond 2^53 and 10^50 minor units, and scales beyond 8
  const amount = fc.tuple(fc.bigInt({ min: -(10n ** 62n), max: 10n ** 62n }), fc.nat(12), fc.nat(60)).map(([units, scale, shift]) =>
    new Decimal(units.toString()).dividedBy(new Decimal(10).pow(scale)).dividedBy(new Decimal(10).pow(shift % 3 === 0 ? 0 : shift)),
  );
  const small = fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }).map((u) => new Decimal(u.toString()).dividedBy(1e8));
  fc.assert(
    fc.property(fc.array(fc.oneof(small, small, amount), { minLength: 1, maxLength: 40 }), fc.array(small, { minLength: 1, maxLength: 5 }), (values, others) => {
      const expected = decimalFold(values)!;
      const got = exactFold(values)!;
      t.is(got.canonical(), canonical(expected));
      t.true(got.toDecimal().equals(expected));
      t.is(got.isZero(), expected.isZero());
      const other = exactFold(others)!;
      t.is(got.equals(other), expected.equals(decimalFold(others)!));
      t.is(got.clone().canonical(), canonical(expected));
    }),
    { numRuns: 1500 },
  );
});

test('ExactSum crosses 2^53 into BigInt and 10^50 into Decimal without losing a unit', (t) => {
  const s = new ExactSum();
  s.addMinor(MAX);
  t.is(s.canonical(), '90071992.54740991');
  s.addMinor(1); // 2^53: no longer a safe integer
  t.is(s.canonical(), '90071992.54740992');
  s.addMinor(MAX);
  t.is(s.canonical(), '180143985.09481983');
  s.addMinor(-MAX);
  s.addMinor(-MAX);
  s.addMinor(-1);
  t.true(s.isZero());
  t.is(s.canonical(), '0');
  const neg = new ExactSum();
  neg.addMinor(-MAX);
  neg.addMinor(-MAX);
  t.is(neg.canonical(), '-180143985.09481982');
  const big = ExactSum.of(dec('1'.padEnd(43, '0'))); // 10^42 = 10^50 minor units: a Decimal from the start
  big.addMinor(1);
  // 51 significant digits: decimal.js rounds to 50, and so does the sum, as the Decimal fold did
  t.is(big.canonical(), canonical(dec('1'.padEnd(43, '0')).plus('0.00000001')));
  t.is(big.canonical(), '1'.padEnd(43, '0'));
  // one minor unit below 10^50 is still a BigInt, exact; reaching 10^50 hands the sum to decimal.js
  const edge50 = ExactSum.fromMinor(10n ** 50n - 2n);
  let reference = dec(bigMinorToCanonical(10n ** 50n - 2n));
  t.is(edge50.canonical(), `${'9'.repeat(42)}.99999998`);
  for (const [m, text] of [[1, `${'9'.repeat(42)}.99999999`], [1, '1'.padEnd(43, '0')], [1, '1'.padEnd(43, '0')], [-2, `${'9'.repeat(42)}.99999998`]] as const) {
    edge50.addMinor(m);
    reference = reference.plus(dec(minorToCanonical(m)));
    t.is(edge50.canonical(), canonical(reference));
    t.is(edge50.canonical(), text);
  }
  t.is(ExactSum.fromMinor(-(10n ** 50n)).canonical(), `-${'1'.padEnd(43, '0')}`);
  t.is(ExactSum.fromMinor(BigInt(MAX) + 1n).canonical(), '90071992.54740992');
  t.true(ExactSum.fromMinor(BigInt(MAX) + 1n).equals(ExactSum.fromMinor(BigInt(MAX) + 1n)));
  t.false(ExactSum.fromMinor(BigInt(MAX) + 1n).equals(ExactSum.fromMinor(BigInt(MAX))));
  t.true(ExactSum.fromMinor(5n).equals(ExactSum.fromMinor(5n)));
  // reaching 10^50 minor units by additions hands the sum to decimal.js exactly at the edge
  const edge = new ExactSum();
  const ninetyNine = '9'.repeat(34); // 34 nines of units, ×10^8 minor each
  edge.addDecimal(dec('0')); // a Decimal sum from zero, as the group sides start
  t.is(edge.canonical(), '0');
  const bigEdge = new ExactSum();
  for (let i = 0; i < 3; i++) bigEdge.add(dec(ninetyNine));
  t.is(bigEdge.canonical(), canonical(dec(ninetyNine).times(3)));
  const viaBig = new ExactSum();
  viaBig.addMinor(MAX);
  viaBig.addMinor(MAX);
  const before = viaBig.canonical();
  viaBig.add(dec('1.000000001')); // off the scale: Decimal from here on, same value as the Decimal fold
  t.is(viaBig.canonical(), canonical(dec(before).plus('1.000000001')));
});

test('ExactSum keeps decimal.js precision beyond 50 significant digits, as the Decimal fold did', (t) => {
  const huge = dec(`${'9'.repeat(45)}.12345678`); // 53 significant digits
  const expected = decimalFold([huge, dec('0.00000001'), dec('1')])!;
  const got = ExactSum.of(huge);
  got.addMinor(1);
  got.addMinor(100_000_000);
  t.is(got.canonical(), canonical(expected));
  // a first value is kept as it is; a sum from zero rounds it, as ZERO.plus did
  const fromZero = new ExactSum();
  fromZero.add(huge);
  t.is(fromZero.canonical(), canonical(dec(0).plus(huge)));
  t.is(ExactSum.of(huge).canonical(), canonical(huge));
});

test('plusCanonical / minusCanonical print canonical(dec(a) ± dec(b)) for every text decimal.js takes, and throw where it throws', (t) => {
  const text = fc.oneof(
    canonicalText,
    plainText,
    fc.constantFrom('90071992.54740991', '-90071992.54740991', '0.00000001', '0.000000001', '1e3', '-0', '0.000', `${'9'.repeat(45)}.12345678`),
  );
  const outcome = (f: () => string): string => {
    try {
      return f();
    } catch (error) {
      return `throws ${(error as Error).name}`;
    }
  };
  fc.assert(
    fc.property(text, text, (a, b) => {
      assertSame(outcome(() => plusCanonical(a, b)), outcome(() => canonical(dec(a).plus(dec(b)))));
      assertSame(outcome(() => minusCanonical(a, b)), outcome(() => canonical(dec(a).minus(dec(b)))));
    }),
    { numRuns: 5000 },
  );
  t.is(plusCanonical('90071992.54740991', '0.00000001'), '90071992.54740992'); // past 2^53: decimal.js
  t.is(minusCanonical('-90071992.54740991', '0.00000001'), '-90071992.54740992');
  t.is(plusCanonical('0.1', '-0.1'), '0');
  t.is(minusCanonical('1.5', '1.50'), '0');
  t.throws(() => plusCanonical('1', 'x'));
  t.throws(() => minusCanonical('x', '1'));
});

function assertSame(a: string, b: string): void {
  if (a !== b) throw new Error(`${a} ≠ ${b}`);
}

test('non-string operands (JSON numbers, null, a missing field) get decimal.js answers and errors, not a TypeError of the parser', (t) => {
  const outcome = (f: () => unknown): string => {
    try {
      return `= ${String(f())}`;
    } catch (error) {
      return `throws ${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  for (const odd of [undefined, null, 5, 0.1, -2.5, 1e21, true, [], {}] as unknown[]) {
    const text = odd as string;
    t.is(parseMinor(text), undefined, String(odd));
    t.is(canonicalPositiveMinor(text), NOT_CANONICAL_POSITIVE, String(odd));
    t.is(outcome(() => plusCanonical('1.5', text)), outcome(() => canonical(dec('1.5').plus(dec(text)))), String(odd));
    t.is(outcome(() => minusCanonical(text, '1.5')), outcome(() => canonical(dec(text).minus(dec('1.5')))), String(odd));
  }
});
