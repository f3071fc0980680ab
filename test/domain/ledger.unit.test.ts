import test from 'ava';
import { categoryOf, marginAccount, marginSymbol } from '../../domain/ledger/accounts.js';
import { LedgerBalances, PLATFORM_OWNER, balanceDelta, increasesBalance } from '../../domain/ledger/balances.js';
import { checkEntry } from '../../domain/ledger/audit.js';
import {
  closeSettlementLines, compensationLines, depositLines, freezeLines, insuranceFeeLines, insuranceFundedLines, insurancePnlLines, liquidationLines,
  openSettlementLines, unfreezeLines, withdrawLines,
} from '../../domain/ledger/postings.js';
import type { JournalLine } from '../../domain/shared/events.js';

const A = 'USDT';
const S = 'BTC-PERP';

test('chart of accounts: categories of both books', (t) => {
  t.is(categoryOf('USER', 'wallet.available'), 'ASSET');
  t.is(categoryOf('USER', 'wallet.frozen'), 'ASSET');
  t.is(categoryOf('USER', marginAccount(S)), 'ASSET');
  t.is(categoryOf('USER', 'expense.fees'), 'EXPENSE');
  t.is(categoryOf('USER', 'expense.realizedLoss'), 'EXPENSE');
  t.is(categoryOf('USER', 'revenue.realizedProfit'), 'REVENUE');
  t.is(categoryOf('USER', 'equity.capital'), 'EQUITY');
  t.is(categoryOf('PLATFORM', 'custody.wallet'), 'ASSET');
  t.is(categoryOf('PLATFORM', 'clearing.pnl'), 'ASSET');
  t.is(categoryOf('PLATFORM', 'liability.userFunds'), 'LIABILITY');
  t.is(categoryOf('PLATFORM', 'revenue.fees'), 'REVENUE');
  t.is(categoryOf('PLATFORM', 'equity.insuranceFund'), 'EQUITY');
  t.is(categoryOf('PLATFORM', 'wallet.available'), undefined);
  t.is(categoryOf('USER', 'margin.'), undefined);
  t.is(marginSymbol('margin.ETH-PERP'), 'ETH-PERP');
});

const L = (book: 'USER' | 'PLATFORM', account: string, direction: 'DEBIT' | 'CREDIT', amount: string): JournalLine => ({ book, account, asset: A, direction, amount });

test('deposit and withdraw lines', (t) => {
  t.deepEqual(depositLines(A, '100'), [
    L('USER', 'wallet.available', 'DEBIT', '100'), L('USER', 'equity.capital', 'CREDIT', '100'),
    L('PLATFORM', 'custody.wallet', 'DEBIT', '100'), L('PLATFORM', 'liability.userFunds', 'CREDIT', '100'),
  ]);
  t.deepEqual(withdrawLines(A, '1.5'), [
    L('USER', 'equity.capital', 'DEBIT', '1.5'), L('USER', 'wallet.available', 'CREDIT', '1.5'),
    L('PLATFORM', 'liability.userFunds', 'DEBIT', '1.5'), L('PLATFORM', 'custody.wallet', 'CREDIT', '1.5'),
  ]);
});

test('freeze / unfreeze are user-book only; zero writes no line', (t) => {
  t.deepEqual(freezeLines(A, '10', '0.06'), [L('USER', 'wallet.frozen', 'DEBIT', '10.06'), L('USER', 'wallet.available', 'CREDIT', '10.06')]);
  t.deepEqual(unfreezeLines(A, '0', '0.06'), [L('USER', 'wallet.available', 'DEBIT', '0.06'), L('USER', 'wallet.frozen', 'CREDIT', '0.06')]);
  t.deepEqual(freezeLines(A, '0', '0'), []);
});

test('open settlement with a fee shortfall: fee paid partly from frozen, partly from available', (t) => {
  t.deepEqual(openSettlementLines({ asset: A, symbol: S, margin: '9', fee: '0.08', feeShortfall: '0.02', refund: '1' }), [
    L('USER', 'margin.BTC-PERP', 'DEBIT', '9'), L('USER', 'wallet.frozen', 'CREDIT', '9'),
    L('USER', 'expense.fees', 'DEBIT', '0.08'), L('USER', 'wallet.frozen', 'CREDIT', '0.06'), L('USER', 'wallet.available', 'CREDIT', '0.02'),
    L('USER', 'wallet.available', 'DEBIT', '1'), L('USER', 'wallet.frozen', 'CREDIT', '1'),
    L('PLATFORM', 'liability.userFunds', 'DEBIT', '0.08'), L('PLATFORM', 'revenue.fees', 'CREDIT', '0.08'),
  ]);
  t.throws(() => openSettlementLines({ asset: A, symbol: S, margin: '1', fee: '0.01', feeShortfall: '0.02', refund: '0' }), { instanceOf: RangeError });
});

test('close with profit and with loss; platform PnL through clearing', (t) => {
  t.deepEqual(closeSettlementLines({ asset: A, symbol: S, marginReleased: '10', realizedPnl: '5', fee: '0.03' }), [
    L('USER', 'wallet.available', 'DEBIT', '10'), L('USER', 'margin.BTC-PERP', 'CREDIT', '10'),
    L('USER', 'wallet.available', 'DEBIT', '5'), L('USER', 'revenue.realizedProfit', 'CREDIT', '5'),
    L('USER', 'expense.fees', 'DEBIT', '0.03'), L('USER', 'wallet.available', 'CREDIT', '0.03'),
    L('PLATFORM', 'clearing.pnl', 'DEBIT', '5'), L('PLATFORM', 'liability.userFunds', 'CREDIT', '5'),
    L('PLATFORM', 'liability.userFunds', 'DEBIT', '0.03'), L('PLATFORM', 'revenue.fees', 'CREDIT', '0.03'),
  ]);
  t.deepEqual(liquidationLines({ asset: A, symbol: S, marginReleased: '10', realizedPnl: '-12' }), [
    L('USER', 'wallet.available', 'DEBIT', '10'), L('USER', 'margin.BTC-PERP', 'CREDIT', '10'),
    L('USER', 'expense.realizedLoss', 'DEBIT', '12'), L('USER', 'wallet.available', 'CREDIT', '12'),
    L('PLATFORM', 'liability.userFunds', 'DEBIT', '12'), L('PLATFORM', 'clearing.pnl', 'CREDIT', '12'),
  ]);
});

test('compensation and insurance lines', (t) => {
  t.deepEqual(compensationLines(A, S, '5', '0.01'), [
    L('USER', 'margin.BTC-PERP', 'DEBIT', '5'), L('USER', 'wallet.available', 'CREDIT', '5'),
    L('USER', 'expense.fees', 'DEBIT', '0.01'), L('USER', 'wallet.available', 'CREDIT', '0.01'),
    L('PLATFORM', 'liability.userFunds', 'DEBIT', '0.01'), L('PLATFORM', 'revenue.fees', 'CREDIT', '0.01'),
  ]);
  t.deepEqual(insuranceFundedLines(A, '50'), [L('PLATFORM', 'custody.wallet', 'DEBIT', '50'), L('PLATFORM', 'equity.insuranceFund', 'CREDIT', '50')]);
  t.deepEqual(insurancePnlLines(A, '-2'), [L('PLATFORM', 'equity.insuranceFund', 'DEBIT', '2'), L('PLATFORM', 'clearing.pnl', 'CREDIT', '2')]);
  t.deepEqual(insurancePnlLines(A, '2'), [L('PLATFORM', 'clearing.pnl', 'DEBIT', '2'), L('PLATFORM', 'equity.insuranceFund', 'CREDIT', '2')]);
  t.deepEqual(insuranceFeeLines(A, '0.5'), [L('PLATFORM', 'equity.insuranceFund', 'DEBIT', '0.5'), L('PLATFORM', 'revenue.fees', 'CREDIT', '0.5')]);
  t.throws(() => depositLines(A, '-1'), { instanceOf: RangeError });
});

test('every posting function yields balanced entries per book and asset', (t) => {
  const all = [
    depositLines(A, '100'), withdrawLines(A, '3'), freezeLines(A, '1', '2'), unfreezeLines(A, '1', '2'),
    openSettlementLines({ asset: A, symbol: S, margin: '9', fee: '0.08', feeShortfall: '0.02', refund: '1' }),
    closeSettlementLines({ asset: A, symbol: S, marginReleased: '10', realizedPnl: '-5.5', fee: '0.03' }),
    compensationLines(A, S, '5', '0.01'), liquidationLines({ asset: A, symbol: S, marginReleased: '1', realizedPnl: '3' }),
    insuranceFundedLines(A, '1'), insurancePnlLines(A, '-1'), insuranceFeeLines(A, '1'),
  ];
  for (const lines of all) t.deepEqual(checkEntry(lines, undefined, 'u1'), []);
});

test('balances: debit-normal assets and expenses, credit-normal L/E/R, per owner', (t) => {
  const b = new LedgerBalances();
  b.apply(depositLines(A, '100'), 'u1');
  b.apply(closeSettlementLines({ asset: A, symbol: S, marginReleased: '0', realizedPnl: '-5', fee: '1' }), 'u1');
  b.apply(depositLines(A, '7'), 'u2');
  t.is(b.get('USER', 'u1', 'wallet.available', A).toFixed(), '94');
  t.is(b.get('USER', 'u1', 'expense.realizedLoss', A).toFixed(), '5');
  t.is(b.get('USER', 'u1', 'equity.capital', A).toFixed(), '100');
  t.is(b.get('PLATFORM', PLATFORM_OWNER, 'liability.userFunds', A).toFixed(), '101');
  t.is(b.platform('clearing.pnl', A).toFixed(), '-5');
  t.is(b.platform('revenue.fees', A).toFixed(), '1');
  t.is(b.userFunds(A).toFixed(), '101');
  t.throws(() => b.apply(depositLines(A, '1')), { instanceOf: TypeError });
  const copy = b.clone();
  copy.apply(depositLines(A, '1'), 'u3');
  t.is(b.userFunds(A).toFixed(), '101');
  t.is(copy.userFunds(A).toFixed(), '102');
  t.true(b.rows().some((r) => r.owner === 'u2' && r.account === 'wallet.available' && r.balance === '7'));
});

test('increasesBalance: debits raise A and X, credits raise L, E and R; the delta is the amount with that sign', (t) => {
  const line = (book: 'USER' | 'PLATFORM', account: string, direction: 'DEBIT' | 'CREDIT'): JournalLine => ({ book, account, asset: A, direction, amount: '2.5' });
  const cases: Array<[JournalLine, boolean | undefined]> = [
    [line('USER', 'wallet.available', 'DEBIT'), true], [line('USER', 'wallet.available', 'CREDIT'), false],
    [line('USER', marginAccount(S), 'DEBIT'), true], [line('USER', 'expense.fees', 'CREDIT'), false],
    [line('USER', 'equity.capital', 'CREDIT'), true], [line('USER', 'revenue.realizedProfit', 'DEBIT'), false],
    [line('PLATFORM', 'liability.userFunds', 'CREDIT'), true], [line('PLATFORM', 'custody.wallet', 'CREDIT'), false],
    [line('PLATFORM', 'wallet.available', 'DEBIT'), undefined], [line('USER', 'nope', 'DEBIT'), undefined],
  ];
  for (const [l, expected] of cases) {
    t.is(increasesBalance(l), expected, `${l.book} ${l.account} ${l.direction}`);
    t.is(balanceDelta(l)?.toFixed(), expected === undefined ? undefined : expected ? '2.5' : '-2.5');
  }
});
