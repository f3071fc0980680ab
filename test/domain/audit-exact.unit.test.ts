import assert from 'node:assert/strict';
import test from 'ava';
import fc from 'fast-check';
import { LedgerAuditor, checkEntry, type AuditedEvent } from '../../domain/ledger/audit.js';
import { LedgerBalances } from '../../domain/ledger/balances.js';
import { canonical } from '../../domain/money/decimal.js';
import { DecimalAuditor, DecimalBalances } from './support/decimalLedgerReference.js';

/**
 * The exact-integer ledger fold against the decimal.js fold it replaced: the same violations
 * (rules, event ids, detail strings, order) and the same balances, on generated entries that mix
 * ordinary amounts with odd ones — off the 8-decimal scale, beyond 2^53 and 10^50 minor units,
 * malformed, of unknown accounts, without a user.
 */

const accounts = ['wallet.available', 'wallet.frozen', 'margin.BTC-PERP', 'margin.ETH-PERP', 'expense.fees', 'expense.realizedLoss', 'revenue.realizedProfit', 'equity.capital',
  'custody.wallet', 'clearing.pnl', 'liability.userFunds', 'revenue.fees', 'equity.insuranceFund', 'margin.', 'nope'];

const ordinary = fc.bigInt({ min: 1n, max: 10n ** 13n }).map((u) => canonical((u).toString().padStart(9, '0').replace(/(\d{8})$/, '.$1')));
const amountText = fc.oneof(
  { weight: 8, arbitrary: ordinary },
  { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 70n }).chain((u) => fc.nat(20).map((scale) => canonical(u.toString().padStart(scale + 1, '0').replace(new RegExp(`(\\d{${scale}})$`), scale === 0 ? '$1' : '.$1')))) },
  { weight: 1, arbitrary: fc.constantFrom('90071992.54740991', '90071992.54740992', '0.00000001', '0.000000001', '1'.padEnd(43, '0'), `${'9'.repeat(42)}.99999999`, '0', '-1', '01', '1.50', '1e3', '', ' 1', '-0.5') },
);

const lineArb = fc.record({
  book: fc.constantFrom('USER', 'USER', 'PLATFORM', 'PLATFORM', 'OTHER'),
  account: fc.constantFrom(...accounts),
  asset: fc.constantFrom('USDT', 'USDT', 'USDT', 'BTC', ''),
  direction: fc.constantFrom('DEBIT', 'CREDIT', 'CREDIT', 'DEBIT', 'SIDEWAYS'),
  amount: fc.oneof({ weight: 20, arbitrary: amountText }, { weight: 1, arbitrary: fc.constant(5 as unknown as string) }),
});

/** mostly balanced pairs (so the balances grow for real), sometimes a lone or odd line */
const entryLines = fc.array(
  fc.oneof(
    { weight: 40, arbitrary: fc.tuple(lineArb, fc.constantFrom(...accounts)).map(([l, other]) => [{ ...l, direction: 'DEBIT' }, { ...l, account: other, direction: 'CREDIT' }]) },
    { weight: 10, arbitrary: lineArb.map((l) => [l]) },
    { weight: 1, arbitrary: fc.constant([null]) },
  ),
  { minLength: 1, maxLength: 5 },
).map((groups) => groups.flat());

const eventArb = fc.record({
  id: fc.constantFrom('e1', 'e2', 'e3'),
  userId: fc.constantFrom('u1', 'u2', 'u1', undefined),
  lines: entryLines,
  plain: fc.boolean(),
}).map(({ id, userId, lines, plain }): AuditedEvent => ({ id, type: 'X', data: plain && lines.length === 1 ? { userId } : { userId, lines } }));

function outcome<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

test('the exact fold reports and balances exactly as the decimal.js fold did', (t) => {
  fc.assert(
    fc.property(fc.array(eventArb, { minLength: 1, maxLength: 25 }), (events) => {
      const exact = new LedgerAuditor();
      const reference = new DecimalAuditor();
      for (const e of events) {
        assert.deepEqual(outcome(() => exact.apply(e)), outcome(() => reference.apply(e)));
        const lines = (e.data as { lines?: unknown }).lines;
        if (Array.isArray(lines)) assert.deepEqual(outcome(() => checkEntry(lines, e.id, 'u1')), outcome(() => checkEntryOf(reference, lines, e.id)));
      }
      assert.deepEqual(exact.checkAll(), reference.checkAll());
      sameBalances(exact.balances, reference.balances);
      sameBalances(exact.balances.clone(), reference.balances.clone());
    }),
    { numRuns: 400 },
  );
  t.pass();
});

/** checkEntry of the reference, through a fresh reference auditor's first event */
function checkEntryOf(_reference: DecimalAuditor, lines: unknown[], id: string | undefined): unknown {
  const fresh = new DecimalAuditor();
  const all = fresh.apply({ id, type: 'X', data: { userId: 'u1', lines } });
  // the entry rules come first and are the only ones a fresh fold can break besides identity / user funds
  return all.filter((v) => v.rule !== 'IDENTITY' && v.rule !== 'USER_FUNDS');
}

function sameBalances(exact: LedgerBalances, reference: DecimalBalances): void {
  assert.deepEqual(exact.rows(), reference.rows());
  assert.deepEqual(exact.assets(), reference.assets());
  const sides = (xs: Array<{ book: string; owner: string; asset: string; debitSide: { toFixed(): string }; creditSide: { toFixed(): string } }>) =>
    xs.map((s) => [s.book, s.owner, s.asset, s.debitSide.toFixed(), s.creditSide.toFixed()]);
  assert.deepEqual(sides(exact.sides()), sides(reference.sides()));
  for (const asset of ['USDT', 'BTC', '']) {
    assert.equal(exact.userFunds(asset).toFixed(), reference.userFunds(asset).toFixed());
    for (const account of accounts) {
      assert.equal(exact.platform(account, asset).toFixed(), reference.platform(account, asset).toFixed());
      for (const owner of ['u1', 'u2']) {
        assert.equal(exact.get('USER', owner, account, asset).toFixed(), reference.get('USER', owner, account, asset).toFixed());
        assert.equal(exact.balance('USER', owner, account, asset), canonical(reference.get('USER', owner, account, asset)));
      }
      const s = exact.side('USER', 'u1', asset);
      const r = reference.side('USER', 'u1', asset);
      assert.deepEqual([s.debitSide.toFixed(), s.creditSide.toFixed()], [r.debitSide.toFixed(), r.creditSide.toFixed()]);
    }
  }
}

test('LedgerBalances.apply takes what it took: plain texts, exponents and hex through decimal.js, bad text throws', (t) => {
  for (const amount of ['1.50', '00.25', '1e3', '0x10', '0.000000001', '5']) {
    const exact = new LedgerBalances();
    const reference = new DecimalBalances();
    const lines = [{ book: 'USER' as const, account: 'wallet.available', asset: 'USDT', direction: 'DEBIT' as const, amount }, { book: 'USER' as const, account: 'equity.capital', asset: 'USDT', direction: 'CREDIT' as const, amount }];
    exact.apply(lines, 'u1');
    reference.apply(lines, 'u1');
    t.deepEqual(exact.rows(), reference.rows());
  }
  t.throws(() => new LedgerBalances().apply([{ book: 'USER', account: 'wallet.available', asset: 'USDT', direction: 'DEBIT', amount: 'x' }], 'u1'));
  t.throws(() => new LedgerBalances().apply([{ book: 'USER', account: 'wallet.available', asset: 'USDT', direction: 'DEBIT', amount: '1' }]), { instanceOf: TypeError });
});
