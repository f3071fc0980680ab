import test from 'ava';
import fc from 'fast-check';
import { evolve, initialState } from '../../domain/account/evolve.js';
import type { AccountState, AssetBalance } from '../../domain/account/types.js';
import { USER, marginSymbol } from '../../domain/ledger/accounts.js';
import { balanceDelta } from '../../domain/ledger/balances.js';
import { Decimal, canonical, dec } from '../../domain/money/decimal.js';
import type { JournalLine } from '../../domain/shared/events.js';

/** the wallet fold as it was (Decimal per line, every chart line's amount parsed first) */
function applyLinesByDecimal(balances: Record<string, AssetBalance>, lines: readonly JournalLine[]): Record<string, AssetBalance> {
  const EMPTY: AssetBalance = { available: '0', frozen: '0', margins: {} };
  const next = { ...balances };
  for (const l of lines) {
    if (l.book !== 'USER') continue;
    const delta = balanceDelta(l);
    if (delta === undefined) continue;
    const b = next[l.asset] ?? EMPTY;
    if (l.account === USER.walletAvailable) next[l.asset] = { ...b, available: canonical(dec(b.available).plus(delta)) };
    else if (l.account === USER.walletFrozen) next[l.asset] = { ...b, frozen: canonical(dec(b.frozen).plus(delta)) };
    else {
      const symbol = marginSymbol(l.account);
      if (symbol === undefined) continue;
      const margins = { ...b.margins };
      const value = dec(margins[symbol] ?? '0').plus(delta);
      if (value.isZero()) delete margins[symbol];
      else margins[symbol] = canonical(value);
      next[l.asset] = { ...b, margins };
    }
  }
  return next;
}

function deposit(lines: JournalLine[]): { type: string; data: Record<string, unknown> } {
  return { type: 'FundsDeposited', data: { userId: 'u', txId: 't', asset: 'USDT', amount: '1', lines } };
}

function outcome(f: () => Record<string, AssetBalance>): string {
  try {
    return JSON.stringify(f());
  } catch (error) {
    return `throws ${String(error)}`;
  }
}

/** on the scale, past 2^53 minor units, off the scale, and texts decimal.js refuses */
const amount = fc.oneof(
  fc.bigInt({ min: 1n, max: 10n ** 12n }).map((u) => canonical(new Decimal(u.toString()).dividedBy(1e8))),
  fc.bigInt({ min: 1n, max: 10n ** 22n }).map((u) => canonical(new Decimal(u.toString()).dividedBy(1e8))),
  fc.constantFrom('90071992.54740991', '0.000000001', '1e-7', '-0', '0', '-1.5', '', 'x', ' 1', '+1', '00012.50'),
);

const account = fc.constantFrom(USER.walletAvailable, USER.walletFrozen, 'margin.BTC', 'margin.ETH', USER.expenseFees, USER.revenueRealizedProfit, USER.equityCapital, 'nope');

test('the wallet fold gives the Decimal fold its balances, strings and refusals, line by line', (t) => {
  const line = fc.record({
    book: fc.constantFrom('USER', 'USER', 'USER', 'PLATFORM') as fc.Arbitrary<JournalLine['book']>,
    account,
    asset: fc.constantFrom('USDT', 'BTC'),
    direction: fc.constantFrom('DEBIT', 'CREDIT') as fc.Arbitrary<JournalLine['direction']>,
    amount,
  });
  fc.assert(
    fc.property(fc.array(fc.array(line, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (entries) => {
      let state: AccountState = initialState();
      let expected: Record<string, AssetBalance> = {};
      for (const lines of entries) {
        const want = outcome(() => applyLinesByDecimal(expected, lines));
        const got = outcome(() => evolve(state, deposit(lines)).balances);
        t.is(got, want);
        if (want.startsWith('throws')) return;
        state = evolve(state, deposit(lines));
        expected = applyLinesByDecimal(expected, lines);
      }
    }),
    { numRuns: 1500 },
  );
});

test('a non-wallet chart line (expense, revenue, equity) whose amount decimal.js refuses stops the fold, as it did', (t) => {
  for (const bad of ['x', '', '1..2', undefined, null] as unknown[]) {
    const lines = [
      { book: 'USER', account: USER.walletAvailable, asset: 'USDT', direction: 'DEBIT', amount: '1' },
      { book: 'USER', account: USER.equityCapital, asset: 'USDT', direction: 'CREDIT', amount: bad },
    ] as JournalLine[];
    t.is(outcome(() => evolve(initialState(), deposit(lines)).balances), outcome(() => applyLinesByDecimal({}, lines)), String(bad));
    t.true(outcome(() => evolve(initialState(), deposit(lines)).balances).startsWith('throws'), String(bad));
  }
});
