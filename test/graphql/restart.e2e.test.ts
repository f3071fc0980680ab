import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ORDER_FIELDS, createUser, deposit, placeOrder, startTestExchange } from './support/exchange.js';

const STATE = `{ me { balances { asset available frozen total } positions { symbol side quantity entryPrice margin leverage reservedToClose realizedPnl }
  orders(first: 100) { ${ORDER_FIELDS} } fills { tradeId orderId price quantity fee liquidity } balanceSheet { balanced accounts { account asset balance } } deficit } }`;

test('start, trade, stop, start again on the same DATA_DIR: same balances, positions, open orders; the book and keys still work', async (t) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oxc-restart-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));

  const first = await startTestExchange((fn) => t.teardown(fn), { dataDir });
  const alice = await createUser(first, 'alice');
  const bob = await createUser(first, 'bob');
  await deposit(first, alice.userId, '5000', 'r-a');
  await deposit(first, bob.userId, '5000', 'r-b');
  await placeOrder(first, alice.apiKey, { side: 'BUY', price: '50000', quantity: '10', clientOrderId: 'a1' });
  await placeOrder(first, bob.apiKey, { side: 'SELL', price: '50000', quantity: '4', clientOrderId: 'b1' });
  const resting = await placeOrder(first, bob.apiKey, { side: 'SELL', price: '50500', quantity: '3', clientOrderId: 'b2' });
  t.is(resting.status, 'NEW');
  await first.waitIdle();
  const before = { alice: await first.data(STATE, {}, alice.apiKey), bob: await first.data(STATE, {}, bob.apiKey) };
  const bookBefore = await first.data('{ orderBook(symbol: "BTC-PERP") { bids { price quantity } asks { price quantity } } }');
  t.deepEqual(bookBefore.orderBook, { bids: [{ price: '50000', quantity: '6' }], asks: [{ price: '50500', quantity: '3' }] });
  await first.stop();

  const second = await startTestExchange((fn) => t.teardown(fn), { dataDir });
  await second.waitIdle();
  t.deepEqual(await second.data(STATE, {}, alice.apiKey), before.alice);
  t.deepEqual(await second.data(STATE, {}, bob.apiKey), before.bob);
  t.deepEqual((await second.data('{ orderBook(symbol: "BTC-PERP") { bids { price quantity } asks { price quantity } } }')).orderBook, bookBefore.orderBook);

  // the engine kept the resting orders: alice's rest of 6 trades against a new sell
  const sell = await placeOrder(second, bob.apiKey, { side: 'SELL', price: '50000', quantity: '6', clientOrderId: 'b3' });
  t.like(sell, { status: 'FILLED', filledQuantity: '6' });
  const alicePosition = (await second.data('{ me { positions { side quantity } } }', {}, alice.apiKey)).me.positions;
  t.deepEqual(alicePosition, [{ side: 'LONG', quantity: '10' }]);
  // a retried placement after the restart is the same order, answered at once
  const retried = await placeOrder(second, bob.apiKey, { side: 'SELL', price: '50500', quantity: '3', clientOrderId: 'b2' });
  t.is(retried.id, resting.id);
  t.is(retried.status, 'NEW');
});
