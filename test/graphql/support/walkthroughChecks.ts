import type { ExecutionContext } from 'ava';
import type { WalkthroughResult } from '../../../scripts/walkthrough.js';

/**
 * What the README walkthrough (scripts/walkthrough.ts) must show, to the last decimal, on any
 * adapters (memory or Redis read models). BTC-PERP: contract size 0.001, maker 0.0002, taker
 * 0.0005, leverage 10.
 */
export function checkWalkthrough(t: ExecutionContext, { steps }: WalkthroughResult, runId: string): void {
  const at = (name: string) => steps.find((s) => s.step.startsWith(name))!.data;

  // alice's bid rests: NEW after the engine's answer, nothing filled
  t.like(at('alice bids').placeOrder, { status: 'NEW', filledQuantity: '0', intent: 'INCREASE', fee: '0' });
  // bob's 4 fill against it: notional 4 × 50000 × 0.001 = 200; taker fee 0.1
  t.like(at('bob sells').placeOrder, { status: 'FILLED', filledQuantity: '4', averageFillPrice: '50000', fee: '0.1' });
  // the rest of alice's bid: maker fee 200 × 0.0002 = 0.04
  t.like(at('alice cancels').cancelOrder, { status: 'CANCELLED', filledQuantity: '4', fee: '0.04' });
  t.like(at('bob bids').placeOrder, { status: 'NEW', intent: 'FLIP' });
  // 10 × 50100 × 0.001 = 501 notional; taker fee 0.2505
  t.like(at('alice sells').placeOrder, { status: 'FILLED', intent: 'FLIP', filledQuantity: '10', averageFillPrice: '50100', fee: '0.2505' });

  const alice = at('alice: account').me;
  // 10000 − 50.25 frozen + 0.06 refund + 30.15 unfrozen − 30.2103 frozen + 20 released + 0.4 pnl − 0.1002 close fee
  t.deepEqual(alice.balances, [{ asset: 'USDT', available: '9970.0495', frozen: '0', total: '9970.0495' }]);
  t.deepEqual(alice.positions, [{ symbol: 'BTC-PERP', side: 'SHORT', quantity: '6', entryPrice: '50100', margin: '30.06', leverage: 10, realizedPnl: '0' }]);
  t.is(alice.deficit, '0');
  t.deepEqual(alice.orders.map((o: any) => [o.clientOrderId, o.status]), [[`alice-flip-${runId}`, 'FILLED'], [`alice-bid-${runId}`, 'CANCELLED']]);
  t.deepEqual(alice.fills.map((f: any) => [f.side, f.quantity, f.price, f.fee, f.liquidity]), [['SELL', '10', '50100', '0.2505', 'TAKER'], ['BUY', '4', '50000', '0.04', 'MAKER']]);
  t.true(alice.balanceSheet.balanced);
  t.deepEqual(sheet(alice.balanceSheet), {
    'equity.capital': '10000',
    'expense.fees': '0.2905',
    'margin.BTC-PERP': '30.06',
    'revenue.realizedProfit': '0.4',
    'wallet.available': '9970.0495',
    'wallet.frozen': '0',
  });
  // newest first; the flip's two legs are the two newest entries
  const [open, close] = alice.journal;
  t.is(open.eventType, 'TradeMarginSettled');
  t.deepEqual(open.lines.map(line), ['D margin.BTC-PERP 30.06', 'C wallet.frozen 30.06', 'D expense.fees 0.1503', 'C wallet.frozen 0.1503']);
  t.is(close.eventType, 'ReleasedMarginCredited');
  t.deepEqual(close.lines.map(line), ['D wallet.available 20', 'C margin.BTC-PERP 20', 'D wallet.available 0.4', 'C revenue.realizedProfit 0.4', 'D expense.fees 0.1002', 'C wallet.available 0.1002']);
  t.is(open.referenceId, close.referenceId);
  t.is(alice.journal.at(-1).eventType, 'FundsDeposited');
  for (const entry of alice.journal) t.true(entry.lines.every((l: any) => l.book === 'USER'));

  const bob = at('bob: account').me;
  // bob: sold 4 @ 50000 as taker (margin 20, fee 0.1), then bought 10 @ 50100 as maker:
  // closes 4 (pnl 200 − 200.4 = −0.4, fee share 0.04008 of 0.1002), opens 6 (margin 30.06, fee 0.06012, refund
  // 0.09018 of the frozen 0.1503); realizedPnl counts since the position was last opened from flat (DESIGN §10),
  // and a flip passes through flat
  t.deepEqual(bob.positions, [{ symbol: 'BTC-PERP', side: 'LONG', quantity: '6', entryPrice: '50100', margin: '30.06', leverage: 10, realizedPnl: '0' }]);
  t.deepEqual(sheet(bob.balanceSheet), {
    'equity.capital': '10000',
    'expense.fees': '0.2002',
    'expense.realizedLoss': '0.4',
    'margin.BTC-PERP': '30.06',
    'wallet.available': '9969.3398',
    'wallet.frozen': '0',
  });
  t.true(bob.balanceSheet.balanced);

  const platform = at('platform balance sheet').platformLedger.balanceSheet;
  t.true(platform.balanced);
  // custody 20000; fees 0.2905 + 0.2002; userFunds = 20000 − fees; clearing pnl = long 300.6 − short 300.6 = 0
  t.deepEqual(sheet(platform), {
    'custody.wallet': '20000',
    'liability.userFunds': '19999.5093',
    'revenue.fees': '0.4907',
    'clearing.pnl': '0',
  });
}

export function sheet(balanceSheet: { accounts: Array<{ account: string; balance: string }> }): Record<string, string> {
  return Object.fromEntries(balanceSheet.accounts.map((a) => [a.account, a.balance]));
}

export function line(l: { direction: string; account: string; amount: string }): string {
  return `${l.direction === 'DEBIT' ? 'D' : 'C'} ${l.account} ${l.amount}`;
}
