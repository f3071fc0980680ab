import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { comparePositions } from '../../eventstore/port.js';
import { allProjections } from '../../projections/index.js';
import { openReadStore } from '../../projections/store/index.js';
import { runWalkthrough, type Execute } from '../../scripts/walkthrough.js';
import { startRedisServer } from '../support/redisServer.js';
import { ADMIN_KEY, ORDER_FIELDS, placeOrder, startTestExchange, type TestExchange } from './support/exchange.js';
import { checkWalkthrough } from './support/walkthroughChecks.js';

const STATE = `{ me { balances { asset available frozen total } positions { symbol side quantity entryPrice margin leverage reservedToClose realizedPnl }
  orders(first: 100) { ${ORDER_FIELDS} } fills { tradeId orderId price quantity fee liquidity } journal { id lines { account direction amount } } balanceSheet { balanced accounts { account asset balance } } deficit } }`;

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delayMs = 1; !check(); delayMs = Math.min(delayMs * 2, 20)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

/**
 * The main job with REDIS_URL (read models in Redis, subscriptions through Redis pub/sub) on a
 * private redis-server: the README walkthrough to the last decimal with a trades subscription
 * fed through Redis; then a restart on the same DATA_DIR and Redis resumes the read models
 * from their checkpoints in Redis (nothing re-projected, nothing re-published) and serves the
 * same state; a myOrders subscription on the new process gets the next order through Redis.
 */
test('REDIS_URL: walkthrough, subscriptions through Redis pub/sub, restart resumes the read models from Redis', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.stop());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'oxc-api-redis-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const config = { redisUrl: redis.url };

  // an independent Redis client sees what the API nodes publish (channel = oxc:api:{topic}:{key})
  const published: Array<{ channel: string; message: any }> = [];
  const tap = createClient({ url: redis.url });
  tap.on('error', () => {});
  await tap.connect();
  t.teardown(() => tap.close());
  await tap.pSubscribe('oxc:api:*', (message, channel) => published.push({ channel, message: JSON.parse(message) }));

  const first = await startTestExchange((fn) => t.teardown(fn), { dataDir, config });
  t.is(first.job.readStore.kind, 'redis');
  t.is(first.job.pubsub.kind, 'redis');

  const trades = first.subscribe('subscription { trades(symbol: "BTC-PERP") { price quantity takerSide } }');
  await until('trades subscription acknowledged by Redis', () => first.job.pubsub.activeSubscribers('trades:BTC-PERP') > 0);
  const execute: Execute = async (query, variables, apiKey) => first.data(query, variables, apiKey);
  const walkthrough = await runWalkthrough(execute, ADMIN_KEY, 'redis');
  checkWalkthrough(t, walkthrough, 'redis');
  // the walkthrough's two trades, through Redis to the SSE subscriber
  const expectedTrades = [{ price: '50000', quantity: '4', takerSide: 'SELL' }, { price: '50100', quantity: '10', takerSide: 'SELL' }];
  await trades.until(() => trades.received.length >= 2);
  t.deepEqual(trades.received.map((r) => r.data?.trades), expectedTrades);
  t.deepEqual(published.filter((p) => p.channel === 'oxc:api:trades:BTC-PERP').map((p) => ({ price: p.message.price, quantity: p.message.quantity, takerSide: p.message.takerSide })), expectedTrades);

  await first.waitIdle();
  const { alice, bob } = walkthrough;
  const before = await states(first, alice.apiKey, bob.apiKey);
  const headAtStop = await first.headPosition();
  await first.stop();
  const publishedBeforeRestart = published.length;

  // every read model's checkpoint is in Redis, at the head the first process reached
  const readStore = await openReadStore({ redisUrl: redis.url });
  for (const projection of allProjections) {
    const checkpoint = await readStore.checkpoint(projection.name, projection.version);
    t.true(checkpoint !== null && comparePositions(checkpoint, headAtStop) >= 0, `${projection.name} checkpoint ${checkpoint}, head ${headAtStop}`);
  }
  await readStore.close();

  const second = await startTestExchange((fn) => t.teardown(fn), { dataDir, config });
  // each projection leaves 'starting' at its loaded checkpoint (a rebuild would be at the log's beginning)
  await until('projections loaded', () => second.job.projections.status().every((s) => s.state !== 'starting'));
  for (const status of second.job.projections.status()) {
    t.true(comparePositions(status.position, headAtStop) >= 0, `${status.name} resumed at ${status.position}, head ${headAtStop}`);
  }
  await second.waitIdle();
  t.deepEqual(await states(second, alice.apiKey, bob.apiKey), before);
  t.deepEqual(published.length, publishedBeforeRestart, 'nothing re-projected, so nothing re-published');

  const mine = second.subscribe(`subscription { myOrders { id status filledQuantity } }`, {}, bob.apiKey);
  await until('myOrders subscription acknowledged by Redis', () => second.job.pubsub.activeSubscribers(`myOrders:${bob.userId}`) > 0);
  const order = await placeOrder(second, bob.apiKey, { side: 'BUY', price: '49000', quantity: '2', clientOrderId: 'after-restart' });
  t.is(order.status, 'NEW');
  const pushed = await mine.until((r) => r.data?.myOrders.id === order.id && r.data.myOrders.status === 'NEW');
  t.deepEqual(pushed.data.myOrders, { id: order.id, status: 'NEW', filledQuantity: '0' });
  // it went through Redis, and it is the first thing published since the restart
  await until('the tap saw the order', () => published.length > publishedBeforeRestart);
  t.is(published[publishedBeforeRestart]!.channel, `oxc:api:myOrders:${bob.userId}`);
  t.is(published[publishedBeforeRestart]!.message.id, order.id);
});

async function states(x: TestExchange, ...keys: string[]): Promise<unknown[]> {
  return Promise.all(keys.map((key) => x.data(STATE, {}, key)));
}
