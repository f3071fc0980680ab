import test from 'ava';
import { checkEntry } from '../../domain/ledger/audit.js';
import {
  closeSettlementLines, compensationLines, depositLines, freezeLines, insuranceFeeLines, insuranceFundedLines, insurancePnlLines, liquidationLines,
  openSettlementLines, unfreezeLines, withdrawLines,
} from '../../domain/ledger/postings.js';
import type { PositionInstrument } from '../../domain/position/index.js';
import type { JournalLine } from '../../domain/shared/events.js';
import { ScenarioExchange } from './support/harness.js';

/**
 * Independent review of DESIGN §6: each posting's lines in both books exactly as the table
 * writes them (as a multiset: the table fixes accounts, directions and amounts, not an order),
 * and a hand-computed scenario checked against both identities, liability.userFunds,
 * clearing.pnl and the custody identity.
 */
const A = 'USDT';
const S = 'REV';
type Row = [book: 'U' | 'P', account: string, dir: 'Dr' | 'Cr', amount: string];

function sorted(lines: readonly JournalLine[]): string[] {
  return lines.map((l) => `${l.book === 'USER' ? 'U' : 'P'} ${l.direction === 'DEBIT' ? 'Dr' : 'Cr'} ${l.account} ${l.amount} ${l.asset}`).sort();
}
function table(rows: Row[]): string[] {
  return rows.map(([b, acc, d, amt]) => `${b} ${d} ${acc} ${amt} ${A}`).sort();
}

test('review §6: deposit, withdraw, freeze, unfreeze lines', (t) => {
  t.deepEqual(sorted(depositLines(A, '7.5')), table([['U', 'wallet.available', 'Dr', '7.5'], ['U', 'equity.capital', 'Cr', '7.5'], ['P', 'custody.wallet', 'Dr', '7.5'], ['P', 'liability.userFunds', 'Cr', '7.5']]));
  t.deepEqual(sorted(withdrawLines(A, '7.5')), table([['U', 'wallet.available', 'Cr', '7.5'], ['U', 'equity.capital', 'Dr', '7.5'], ['P', 'custody.wallet', 'Cr', '7.5'], ['P', 'liability.userFunds', 'Dr', '7.5']]));
  // freeze M + F = 100 + 0.15: one user-book movement of 100.15, no platform lines
  t.deepEqual(sorted(freezeLines(A, '100', '0.15')), table([['U', 'wallet.frozen', 'Dr', '100.15'], ['U', 'wallet.available', 'Cr', '100.15']]));
  t.deepEqual(sorted(unfreezeLines(A, '0.3', '0.02')), table([['U', 'wallet.available', 'Dr', '0.32'], ['U', 'wallet.frozen', 'Cr', '0.32']]));
});

test('review §6: open settle m, fee f, refund r — user and platform lines', (t) => {
  // m = 33, f = 0.0495, r = 0.33383333, no shortfall
  t.deepEqual(sorted(openSettlementLines({ asset: A, symbol: S, margin: '33', fee: '0.0495', feeShortfall: '0', refund: '0.33383333' })), table([
    ['U', 'margin.REV', 'Dr', '33'], ['U', 'wallet.frozen', 'Cr', '33'],
    ['U', 'expense.fees', 'Dr', '0.0495'], ['U', 'wallet.frozen', 'Cr', '0.0495'],
    ['U', 'wallet.available', 'Dr', '0.33383333'], ['U', 'wallet.frozen', 'Cr', '0.33383333'],
    ['P', 'liability.userFunds', 'Dr', '0.0495'], ['P', 'revenue.fees', 'Cr', '0.0495'],
  ]));
});

test('review §6: close with profit and with loss; liquidation is a close with f = 0', (t) => {
  // release R = 33.33333333, p = +10, f = 0.022
  t.deepEqual(sorted(closeSettlementLines({ asset: A, symbol: S, marginReleased: '33.33333333', realizedPnl: '10', fee: '0.022' })), table([
    ['U', 'wallet.available', 'Dr', '33.33333333'], ['U', 'margin.REV', 'Cr', '33.33333333'],
    ['U', 'wallet.available', 'Dr', '10'], ['U', 'revenue.realizedProfit', 'Cr', '10'],
    ['U', 'expense.fees', 'Dr', '0.022'], ['U', 'wallet.available', 'Cr', '0.022'],
    ['P', 'clearing.pnl', 'Dr', '10'], ['P', 'liability.userFunds', 'Cr', '10'],
    ['P', 'liability.userFunds', 'Dr', '0.022'], ['P', 'revenue.fees', 'Cr', '0.022'],
  ]));
  // p = −20: Dr expense.realizedLoss / Cr wallet.available; platform reversed
  t.deepEqual(sorted(closeSettlementLines({ asset: A, symbol: S, marginReleased: '66.66666667', realizedPnl: '-20', fee: '0.09' })), table([
    ['U', 'wallet.available', 'Dr', '66.66666667'], ['U', 'margin.REV', 'Cr', '66.66666667'],
    ['U', 'expense.realizedLoss', 'Dr', '20'], ['U', 'wallet.available', 'Cr', '20'],
    ['U', 'expense.fees', 'Dr', '0.09'], ['U', 'wallet.available', 'Cr', '0.09'],
    ['P', 'liability.userFunds', 'Dr', '20'], ['P', 'clearing.pnl', 'Cr', '20'],
    ['P', 'liability.userFunds', 'Dr', '0.09'], ['P', 'revenue.fees', 'Cr', '0.09'],
  ]));
  t.deepEqual(sorted(liquidationLines({ asset: A, symbol: S, marginReleased: '100', realizedPnl: '-120' })), table([
    ['U', 'wallet.available', 'Dr', '100'], ['U', 'margin.REV', 'Cr', '100'],
    ['U', 'expense.realizedLoss', 'Dr', '120'], ['U', 'wallet.available', 'Cr', '120'],
    ['P', 'liability.userFunds', 'Dr', '120'], ['P', 'clearing.pnl', 'Cr', '120'],
  ]));
});

test('review §6: compensation and the insurance fund', (t) => {
  t.deepEqual(sorted(compensationLines(A, S, '33.33333334', '0.05')), table([
    ['U', 'margin.REV', 'Dr', '33.33333334'], ['U', 'wallet.available', 'Cr', '33.33333334'],
    ['U', 'expense.fees', 'Dr', '0.05'], ['U', 'wallet.available', 'Cr', '0.05'],
    ['P', 'liability.userFunds', 'Dr', '0.05'], ['P', 'revenue.fees', 'Cr', '0.05'],
  ]));
  t.deepEqual(sorted(insuranceFundedLines(A, '500')), table([['P', 'custody.wallet', 'Dr', '500'], ['P', 'equity.insuranceFund', 'Cr', '500']]));
  t.deepEqual(sorted(insurancePnlLines(A, '20')), table([['P', 'clearing.pnl', 'Dr', '20'], ['P', 'equity.insuranceFund', 'Cr', '20']]));
  t.deepEqual(sorted(insurancePnlLines(A, '-10')), table([['P', 'equity.insuranceFund', 'Dr', '10'], ['P', 'clearing.pnl', 'Cr', '10']]));
  t.deepEqual(sorted(insuranceFeeLines(A, '0.03')), table([['P', 'equity.insuranceFund', 'Dr', '0.03'], ['P', 'revenue.fees', 'Cr', '0.03']]));
  // each entry balances per book and asset
  for (const lines of [compensationLines(A, S, '1', '0.1'), insurancePnlLines(A, '-3'), openSettlementLines({ asset: A, symbol: S, margin: '1', fee: '0.2', feeShortfall: '0.1', refund: '0.5' })]) {
    t.deepEqual(checkEntry(lines, 'e', 'u'), []);
  }
});

const REV: PositionInstrument = {
  symbol: 'REV', contractSize: '1', tickSize: '0.01', lotSize: '1', makerFeeRate: '0.0002', takerFeeRate: '0.0005',
  initialMarginRate: '0.1', maintenanceMarginRate: '0.05', maxLeverage: 20, defaultLeverage: 3,
};

function platform(ex: ScenarioExchange): Record<string, string> {
  return {
    custody: ex.platform('custody.wallet'), clearing: ex.platform('clearing.pnl'), userFunds: ex.platform('liability.userFunds'),
    fees: ex.platform('revenue.fees'), insurance: ex.platform('equity.insuranceFund'),
  };
}

test('review §6: a hand-computed history keeps both identities, user funds, clearing.pnl and custody', (t) => {
  const ex = new ScenarioExchange(REV);
  ex.deposit('alice', '1000');
  ex.deposit('bob', '1000');
  // alice rests BUY 3 @ 100 (leverage 3): freeze 100 + 0.15; bob SELL 3 @ 100 freezes the same and takes
  ex.place({ orderId: 'a1', userId: 'alice', side: 'BUY', qty: '3', price: '100' });
  t.deepEqual(ex.wallet('alice'), { available: '899.85', frozen: '100.15', margin: '0' });
  ex.place({ orderId: 'b1', userId: 'bob', side: 'SELL', qty: '3', price: '100' });
  ex.trade({ maker: 'a1', taker: 'b1', qty: '3' });
  // alice maker fee 300 × 0.0002 = 0.06 → refund 0.09; bob taker fee 0.15
  t.deepEqual(ex.wallet('alice'), { available: '899.94', frozen: '0', margin: '100' });
  t.deepEqual(ex.wallet('bob'), { available: '899.85', frozen: '0', margin: '100' });
  // fees 0.21; userFunds 2000 − 0.21
  t.deepEqual(platform(ex), { custody: '2000', clearing: '0', userFunds: '1999.79', fees: '0.21', insurance: '0' });

  // alice SELL 1 @ 110 (maker), bob BUY 1 @ 110 (taker) — both reduce
  ex.place({ orderId: 'a2', userId: 'alice', side: 'SELL', qty: '1', price: '110' });
  ex.place({ orderId: 'b2', userId: 'bob', side: 'BUY', qty: '1', price: '110' });
  ex.trade({ maker: 'a2', taker: 'b2', qty: '1' });
  // alice: + 33.33333333 released + 10 pnl − 0.022 fee = 943.25133333; margin 66.66666667
  t.deepEqual(ex.wallet('alice'), { available: '943.25133333', frozen: '0', margin: '66.66666667' });
  // bob: + 33.33333333 − 10 − 0.055 = 923.12833333
  t.deepEqual(ex.wallet('bob'), { available: '923.12833333', frozen: '0', margin: '66.66666667' });
  // clearing: +10 (alice) − 10 (bob) = 0; positions long 200 / short 200 → Σ signed 0
  t.deepEqual(platform(ex), { custody: '2000', clearing: '0', userFunds: '1999.713', fees: '0.287', insurance: '0' });
  t.like(ex.position('alice'), { realizedPnl: '10' });
  t.like(ex.position('bob'), { realizedPnl: '-10' });

  // bob's short 2 (entry 200) liquidated at 150: pnl 200 − 300 = −100; margin 66.66666667 released → 889.795
  ex.fundInsurance('50');
  ex.liquidate('bob', '150');
  t.deepEqual(ex.wallet('bob'), { available: '889.795', frozen: '0', margin: '0' });
  t.like(ex.position('insurance'), { side: 'SHORT', qty: '2', entryNotional: '300', margin: '0' });
  // clearing −100 = alice long 200 − insurance short 300; custody 2050 = 1899.713 + 0.287 − (−100) + 50
  t.deepEqual(platform(ex), { custody: '2050', clearing: '-100', userFunds: '1899.713', fees: '0.287', insurance: '50' });
  t.deepEqual(ex.audit(), []);
});
