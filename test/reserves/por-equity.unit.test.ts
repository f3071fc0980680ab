import test from 'ava';
import { LedgerBalances } from '../../domain/ledger/balances.js';
import type { JournalLine } from '../../domain/shared/events.js';
import type { PositionState } from '../../domain/position/types.js';
import type { FoldResult } from '../../scripts/replay/fold.js';
import { computeEquities } from '../../scripts/por/equity.js';
import { allProjections } from '../../projections/index.js';
import { MemoryReadStore } from '../../projections/store/memory.js';
import { write } from '../../projections/store/ops.js';

function version(name: string): number {
  return allProjections.find((p) => p.name === name)!.version;
}

function line(account: string, direction: 'DEBIT' | 'CREDIT', amount: string, book: 'USER' | 'PLATFORM' = 'USER'): JournalLine {
  return { book, account, asset: 'USDT', direction, amount } as JournalLine;
}

function position(side: 'LONG' | 'SHORT', qty: string, entryNotional: string, margin: string): PositionState {
  return { userId: null, symbol: null, leverage: null, side, qty, entryNotional, margin, realizedPnl: '0', reservations: [], orders: {}, settledSeq: 0, lastLeg: null, endedOrders: [], requests: [] };
}

/** only the parts of a fold the equity step reads */
async function fold(parts: { contractSize: string; mark: string | null; positions: FoldResult['positions'] }): Promise<FoldResult> {
  const readModels = new MemoryReadStore();
  await readModels.applyBatch('instruments', version('instruments'), [write.hset('instrument:X-PERP', { symbol: 'X-PERP', contractSize: parts.contractSize, quoteAsset: 'USDT' })], '1');
  await readModels.applyBatch('users', version('users'), [write.hset('user:alice', { userId: 'alice' }), write.hset('user:zoe', { userId: 'zoe' })], '1');
  const ledgerBalances = new LedgerBalances();
  ledgerBalances.apply([line('wallet.available', 'DEBIT', '100'), line('equity.capital', 'CREDIT', '100')], 'alice');
  ledgerBalances.apply([line('margin.X-PERP', 'DEBIT', '10'), line('wallet.available', 'CREDIT', '10')], 'alice');
  ledgerBalances.apply([line('wallet.frozen', 'DEBIT', '5'), line('wallet.available', 'CREDIT', '5')], 'alice');
  return {
    readModels,
    ledgerBalances,
    positions: parts.positions,
    marks: { 'X-PERP': { price: parts.mark, quoteAsset: 'USDT' } },
  } as unknown as FoldResult;
}

test('equity = wallet (available + frozen) + margins + exact uPnL at the mark; every registered user has an entry', async (t) => {
  const result = computeEquities(await fold({
    contractSize: '0.001', mark: '50123.4',
    positions: [
      { userId: 'alice', symbol: 'X-PERP', state: position('SHORT', '3', '150.0003', '10') },
      { userId: 'insurance', symbol: 'X-PERP', state: position('LONG', '3', '149.5', '0') },
    ],
  }));
  t.deepEqual(result.problems, []);
  // alice: 85 available + 5 frozen + 10 margin; uPnL short: 150.0003 − 50123.4·3·0.001 = −0.3699
  t.deepEqual([...result.equities.get('alice')!], [['USDT', '99.6301']]);
  t.deepEqual([...result.equities.get('zoe')!], []);
  t.false(result.equities.has('insurance'));
  t.is(result.insuranceUnrealizedPnl.get('USDT')!.toFixed(), '0.8702');
  t.is(result.userFunds.get('USDT')!.toFixed(), '100');
  t.deepEqual(result.assets, [{ code: 'USDT', scale: 8 }]);
  t.like(result.exposures[0], { symbol: 'X-PERP', mark: '50123.4' });
  t.is(result.exposures[0]!.signedEntryNotional.toFixed(), '-0.5003');
  t.is(result.exposures[0]!.unrealizedPnl.toFixed(), '0.5003');
});

test('a uPnL finer than the asset scale is refused, never rounded; an open position without a mark is reported', async (t) => {
  const fine = computeEquities(await fold({ contractSize: '0.001', mark: '0.000001', positions: [{ userId: 'alice', symbol: 'X-PERP', state: position('LONG', '1', '1', '1') }] }));
  t.deepEqual(fine.problems.map((p) => p.kind), ['UPNL_NOT_AT_SCALE']);
  t.deepEqual([...fine.equities.get('alice')!], [['USDT', '100']], 'the unvalued position adds nothing; the reconciliation fails on the problem');
  const noMark = computeEquities(await fold({ contractSize: '0.001', mark: null, positions: [{ userId: 'alice', symbol: 'X-PERP', state: position('LONG', '1', '1', '1') }] }));
  t.deepEqual(noMark.problems.map((p) => p.kind), ['NO_MARK']);
  const unlisted = computeEquities(await fold({ contractSize: '0.001', mark: '1', positions: [{ userId: 'alice', symbol: 'Y-PERP', state: position('LONG', '1', '1', '1') }] }));
  t.deepEqual(unlisted.problems.map((p) => p.kind), ['UNKNOWN_INSTRUMENT']);
});
