/**
 * The projection acceptance suite, shared by the memory and Redis read stores: given a log built
 * by the deciders (LogBuilder), when the projection runner has caught up, then the queries answer
 * exactly these values.
 */
import type { TestFn } from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { toEventData } from '../../eventstore/envelope.js';
import { createQueries } from '../../projections/queries.js';
import { allProjections } from '../../projections/index.js';
import { createProjectionRunner, ProjectionFailed } from '../../projections/runner/index.js';
import type { ReadStore } from '../../projections/store/port.js';
import { LogBuilder } from './logBuilder.js';

export async function project(builder: LogBuilder, readStore: ReadStore) {
  const eventStore = createInMemoryStore();
  const head = await builder.writeTo(eventStore);
  const failures: ProjectionFailed[] = [];
  const runner = createProjectionRunner({ eventStore, readStore, projections: allProjections, onFailed: (e) => failures.push(e) });
  await runner.start();
  return {
    eventStore, runner, head, failures, queries: createQueries(readStore),
    async close() {
      await runner.stop();
      await eventStore.close();
    },
  };
}

export function modelSuite(test: TestFn, openStore: () => Promise<ReadStore>, label: string): void {
  const withModels = async (builder: LogBuilder, check: (p: Awaited<ReturnType<typeof project>>) => Promise<void>) => {
    const store = await openStore();
    const p = await project(builder, store);
    try {
      await p.runner.waitForPosition(p.head, 10_000);
      await check(p);
    } finally {
      await p.close();
      await store.close();
    }
  };

  const base = () => new LogBuilder().listInstrument().registerUser('alice').registerUser('bob').deposit('alice', '1000', 'tx-a').deposit('bob', '1000', 'tx-b').setMark('50000');

  test(`${label}: UserRegistered, InstrumentListed, MarkPriceSet, FundsDeposited → user index, instrument, balances, journals, balance sheets`, async (t) => {
    const b = base();
    await withModels(b, async ({ queries }) => {
      const alice = await queries.getUser('alice');
      t.is((await queries.getUserByKeyHash(alice!.apiKeyHash))?.userId, 'alice');
      const [instrument] = await queries.listInstruments();
      t.like(instrument, { symbol: 'BTC-PERP', quoteAsset: 'USDT', contractSize: '0.001', maxLeverage: 100, markPrice: '50000' });
      t.deepEqual(await queries.getBalances('alice'), [{ asset: 'USDT', available: '1000', frozen: '0', total: '1000' }]);
      const [entry] = await queries.listUserJournal('alice');
      t.like(entry, { eventType: 'FundsDeposited', referenceId: 'tx-a', occurredAt: '2024-01-01T00:00:00.004Z' });
      t.deepEqual(entry!.lines, [
        { book: 'USER', account: 'wallet.available', asset: 'USDT', direction: 'DEBIT', amount: '1000' },
        { book: 'USER', account: 'equity.capital', asset: 'USDT', direction: 'CREDIT', amount: '1000' },
      ]);
      t.is(entry!.id, `${entry!.eventId}:USER`);
      const platform = await queries.listPlatformJournal(10);
      t.deepEqual(platform.map((e) => e.referenceId), ['tx-b', 'tx-a']);
      t.deepEqual(await queries.balanceSheet('platform'), {
        accounts: [
          { account: 'custody.wallet', asset: 'USDT', category: 'ASSET', balance: '2000' },
          { account: 'liability.userFunds', asset: 'USDT', category: 'LIABILITY', balance: '2000' },
        ],
        balanced: true,
      });
      t.true((await queries.balanceSheet('alice')).balanced);
    });
  });

  test(`${label}: OrderPlaced/Accepted, FundsFrozen, OrderRested → order NEW, frozen funds, book depth, lookups`, async (t) => {
    const b = base();
    const { orderId } = b.place({ userId: 'alice', side: 'BUY', qty: '2', price: '49990', clientOrderId: 'mine-1' });
    b.place({ userId: 'bob', side: 'SELL', qty: '3', price: '50010' });
    await withModels(b, async ({ queries }) => {
      const order = await queries.getOrder(orderId);
      t.like(order, { id: orderId, clientOrderId: 'mine-1', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: '49990', quantity: '2', filledQuantity: '0', averageFillPrice: null, status: 'NEW', intent: 'INCREASE', fee: '0' });
      t.is((await queries.getOrderByClientId('alice', 'mine-1'))?.id, orderId);
      // margin 49990·2·0.001/10 = 9.998, taker fee 99.98 × 0.0005 = 0.04999
      t.deepEqual(await queries.getBalances('alice'), [{ asset: 'USDT', available: '989.95201', frozen: '10.04799', total: '1000' }]);
      t.deepEqual((await queries.listOrders('alice', { status: ['NEW'] })).map((o) => o.id), [orderId]);
      t.deepEqual(await queries.listOrders('alice', { status: ['FILLED'] }), []);
      t.deepEqual(await queries.getOrderBook('BTC-PERP', 5), { symbol: 'BTC-PERP', bids: [{ price: '49990', quantity: '2' }], asks: [{ price: '50010', quantity: '3' }] });
      t.like(await queries.getPosition('alice', 'BTC-PERP'), { side: 'FLAT', quantity: '0', leverage: 10, reservedToClose: '0' });
    });
  });

  test(`${label}: TradeExecuted, leg settlement, fills → positions with uPnL at the mark, fills, trades, order states, depth`, async (t) => {
    const b = base();
    const maker = b.place({ userId: 'alice', side: 'SELL', qty: '4', price: '50000' });
    const taker = b.place({ userId: 'bob', side: 'BUY', qty: '3', price: '50000' }, { rest: false });
    const [tradeId] = b.take(taker.orderId, [{ orderId: maker.orderId, qty: '3' }]);
    b.setMark('50100');
    await withModels(b, async ({ queries }) => {
      t.like(await queries.getOrder(maker.orderId), { status: 'PARTIALLY_FILLED', filledQuantity: '3', averageFillPrice: '50000', fee: '0.03' });
      t.like(await queries.getOrder(taker.orderId), { status: 'FILLED', filledQuantity: '3', fee: '0.075', timeInForce: 'IOC' });
      const [long] = await queries.getPositions('bob');
      // entry 150 notional, mark 50100 → uPnL +0.3; margin 15
      t.like(long, { symbol: 'BTC-PERP', side: 'LONG', quantity: '3', entryPrice: '50000', margin: '15', leverage: 10, realizedPnl: '0', unrealizedPnl: '0.3', markPrice: '50100' });
      t.truthy(long!.liquidationPrice);
      const [short] = await queries.getPositions('alice');
      t.like(short, { side: 'SHORT', quantity: '3', unrealizedPnl: '-0.3' });
      t.deepEqual((await queries.listFills('bob')).map((f) => [f.tradeId, f.side, f.price, f.quantity, f.fee, f.liquidity]), [[tradeId, 'BUY', '50000', '3', '0.075', 'TAKER']]);
      t.deepEqual((await queries.listTrades('BTC-PERP', 10)).map((x) => [x.id, x.price, x.quantity, x.takerSide]), [[tradeId, '50000', '3', 'BUY']]);
      t.deepEqual(await queries.getOrderBook('BTC-PERP'), { symbol: 'BTC-PERP', bids: [], asks: [{ price: '50000', quantity: '1' }] });
      t.deepEqual((await queries.getBalances('bob'))[0], { asset: 'USDT', available: '984.925', frozen: '0', total: '984.925' });
      t.is((await queries.listInstruments())[0]!.markPrice, '50100');
    });
  });

  test(`${label}: cancel → CANCELLED, depth removed, funds unfrozen; liquidation → insurance position, deficit`, async (t) => {
    const b = base();
    const resting = b.place({ userId: 'alice', side: 'BUY', qty: '1', price: '49000' });
    b.cancel(resting.orderId);
    const maker = b.place({ userId: 'alice', side: 'SELL', qty: '100', price: '50000' });
    const taker = b.place({ userId: 'bob', side: 'BUY', qty: '100', price: '50000' }, { rest: false });
    b.take(taker.orderId, [{ orderId: maker.orderId, qty: '100' }]);
    b.liquidate('bob', '40000');
    await withModels(b, async ({ queries }) => {
      t.like(await queries.getOrder(resting.orderId), { status: 'CANCELLED' });
      t.deepEqual((await queries.listOrders('alice', { status: ['CANCELLED', 'FILLED'] })).map((o) => o.status), ['FILLED', 'CANCELLED']);
      t.deepEqual(await queries.getOrderBook('BTC-PERP'), { symbol: 'BTC-PERP', bids: [], asks: [] });
      t.deepEqual(await queries.getPositions('bob'), []);
      t.like((await queries.insurancePositions())[0], { userId: 'insurance', side: 'LONG', quantity: '100', entryPrice: '40000' });
      // 1000 deposited − 500 margin − 2.5 fee, + 500 released − 1000 loss at 40000 = −2.5
      t.like((await queries.getBalances('bob'))[0], { available: '-2.5', frozen: '0' });
      t.is(await queries.deficit('bob'), '2.5');
      t.is(await queries.deficit('alice'), '0');
      t.true((await queries.balanceSheet('bob')).balanced);
    });
  });

  test(`${label}: an unbalanced journal entry stops the ledger projection with the event, the others go on`, async (t) => {
    const b = base();
    const store = await openStore();
    const p = await project(b, store);
    try {
      await p.runner.waitForPosition(p.head, 10_000);
      const bad = toEventData('account-alice', [{ type: 'FundsDeposited', key: 'tx-bad', data: { userId: 'alice', asset: 'USDT', amount: '5', txId: 'tx-bad', lines: [{ book: 'USER', account: 'wallet.available', asset: 'USDT', direction: 'DEBIT', amount: '5' }] } }], { correlationId: 'x', causationId: 'x', occurredAt: '2024-01-02T00:00:00.000Z' });
      await p.eventStore.append('account-alice', bad, 0);
      await t.throwsAsync(p.runner.waitForPosition(await p.eventStore.headPosition(), 10_000), { instanceOf: ProjectionFailed });
      const failed = p.runner.status().find((s) => s.name === 'ledger')!;
      t.is(failed.state, 'failed');
      t.is(failed.error?.event?.id, bad[0]!.id);
      t.regex(failed.error!.message, /ENTRY_UNBALANCED/);
      t.is((await p.queries.listUserJournal('alice')).length, 1);
    } finally {
      await p.close();
      await store.close();
    }
  });
}
