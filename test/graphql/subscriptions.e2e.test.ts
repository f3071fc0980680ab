import test from 'ava';
import { ADMIN_KEY, ORDER_FIELDS, createUser, deposit, placeOrder, startTestExchange, type Subscription, type TestExchange } from './support/exchange.js';

/** Subscriptions over SSE with graphql-sse's client against the real server. */

async function subscribed(x: TestExchange, topic: string, sub: Subscription<any>, timeoutMs = 10_000): Promise<void> {
  // the server has the subscription in force once the pub/sub counts it (bounded poll, no sleep)
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 1; x.job.pubsub.activeSubscribers(topic) === 0; delayMs = Math.min(delayMs * 2, 20)) {
    if (sub.received.some((r) => r.errors)) throw new Error(`subscription failed: ${JSON.stringify(sub.received)}`);
    if (Date.now() > deadline) throw new Error(`no subscriber on ${topic} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

test('myOrders carries only the caller\'s orders; trades and orderBook carry the market after the read models moved', async (t) => {
  const x = await startTestExchange((fn) => t.teardown(fn));
  const alice = await createUser(x, 'alice');
  const bob = await createUser(x, 'bob');
  await deposit(x, alice.userId, '10000', 's-a');
  await deposit(x, bob.userId, '10000', 's-b');

  const aliceOrders = x.subscribe(`subscription { myOrders { ${ORDER_FIELDS} } }`, {}, alice.apiKey);
  const bobOrders = x.subscribe(`subscription { myOrders { ${ORDER_FIELDS} } }`, {}, bob.apiKey);
  const trades = x.subscribe('subscription { trades(symbol: "BTC-PERP") { id symbol price quantity takerSide executedAt } }');
  const book = x.subscribe('subscription { orderBook(symbol: "BTC-PERP") { symbol bids { price quantity } asks { price quantity } } }');
  const ethTrades = x.subscribe('subscription { trades(symbol: "ETH-PERP") { id } }');
  await subscribed(x, `myOrders:${alice.userId}`, aliceOrders);
  await subscribed(x, `myOrders:${bob.userId}`, bobOrders);
  await subscribed(x, 'trades:BTC-PERP', trades);
  await subscribed(x, 'orderBook:BTC-PERP', book);
  await subscribed(x, 'trades:ETH-PERP', ethTrades);

  const bid = await placeOrder(x, alice.apiKey, { side: 'BUY', price: '50000', quantity: '10', clientOrderId: 'bid' });
  await book.until((r) => r.data?.orderBook.bids.length === 1);
  t.deepEqual(book.received.at(-1)!.data.orderBook, { symbol: 'BTC-PERP', bids: [{ price: '50000', quantity: '10' }], asks: [] });

  const sell = await placeOrder(x, bob.apiKey, { side: 'SELL', price: '50000', quantity: '4', clientOrderId: 'sell' });
  t.is(sell.status, 'FILLED');
  const trade = await trades.until((r) => r.data?.trades !== undefined);
  t.like(trade.data.trades, { symbol: 'BTC-PERP', price: '50000', quantity: '4', takerSide: 'SELL' });
  t.deepEqual(Object.keys(trade.data.trades).sort(), ['executedAt', 'id', 'price', 'quantity', 'symbol', 'takerSide']);
  await book.until((r) => r.data?.orderBook.bids[0]?.quantity === '6');

  await aliceOrders.until((r) => r.data?.myOrders.id === bid.id && r.data.myOrders.status === 'PARTIALLY_FILLED' && r.data.myOrders.filledQuantity === '4');
  await bobOrders.until((r) => r.data?.myOrders.id === sell.id && r.data.myOrders.status === 'FILLED');
  await x.waitIdle();
  // each user saw only their own orders, and no errors
  t.true(aliceOrders.received.length > 0 && aliceOrders.received.every((r) => !r.errors && r.data.myOrders.id === bid.id));
  t.true(bobOrders.received.length > 0 && bobOrders.received.every((r) => !r.errors && r.data.myOrders.id === sell.id));
  t.deepEqual(ethTrades.received, []);
  // what the subscription said last is what a query says now
  const now = await x.data(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id: bid.id }, alice.apiKey);
  t.deepEqual(aliceOrders.received.at(-1)!.data.myOrders, now.order);
});

test('subscription access: myOrders needs a user key; unknown symbols are NOT_FOUND', async (t) => {
  const x = await startTestExchange((fn) => t.teardown(fn));
  const anonymous = x.subscribe('subscription { myOrders { id } }');
  const admin = x.subscribe('subscription { myOrders { id } }', {}, ADMIN_KEY);
  const wrongKey = x.subscribe('subscription { trades(symbol: "BTC-PERP") { id } }', {}, 'oxk_wrong');
  const unknown = x.subscribe('subscription { orderBook(symbol: "DOGE-PERP") { symbol } }');
  const code = async (sub: Subscription<any>) => {
    const failed = await sub.until((r) => (r.errors?.length ?? 0) > 0);
    return (failed.errors as any[]).map((e) => e.extensions?.code ?? e.message);
  };
  t.deepEqual(await code(anonymous), ['UNAUTHENTICATED']);
  t.deepEqual(await code(admin), ['FORBIDDEN']);
  t.deepEqual(await code(wrongKey), ['UNAUTHENTICATED']);
  t.deepEqual(await code(unknown), ['NOT_FOUND']);
});
