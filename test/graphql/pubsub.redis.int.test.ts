import test from 'ava';
import { createRedisPubSub } from '../../graphql/pubsub/redis.js';
import { startRedisServer } from '../support/redisServer.js';
import type { OrderView } from '../../graphql/views.js';

/** Two API nodes on one Redis: what one publishes, the other's subscribers receive — on their topic only. */
test('Redis pub/sub fans out across nodes by topic', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.stop());
  const nodeA = await createRedisPubSub(redis.url);
  const nodeB = await createRedisPubSub(redis.url);
  t.teardown(async () => {
    await nodeA.close();
    await nodeB.close();
  });

  const alice = nodeB.pubsub.subscribe('myOrders', 'alice')[Symbol.asyncIterator]();
  const bob = nodeB.pubsub.subscribe('myOrders', 'bob')[Symbol.asyncIterator]();
  const aliceNext = alice.next();
  const bobNext = bob.next();
  const deadline = Date.now() + 5000;
  for (let delayMs = 1; nodeB.activeSubscribers('myOrders:alice') === 0 || nodeB.activeSubscribers('myOrders:bob') === 0; delayMs = Math.min(delayMs * 2, 20)) {
    if (Date.now() > deadline) t.fail('subscriptions not acknowledged');
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  const order = { id: 'o1', userId: 'alice', status: 'NEW', quantity: '1' } as OrderView;
  nodeA.pubsub.publish('myOrders', 'alice', order);
  t.deepEqual((await aliceNext).value, order);
  nodeA.pubsub.publish('myOrders', 'bob', { ...order, id: 'o2', userId: 'bob' });
  t.is(((await bobNext).value as OrderView).id, 'o2');
  // alice's stream got nothing of bob's
  const second = alice.next();
  nodeA.pubsub.publish('myOrders', 'alice', { ...order, status: 'FILLED' });
  t.is(((await second).value as OrderView).status, 'FILLED');
  await alice.return?.();
  await bob.return?.();
  t.is(nodeB.activeSubscribers('myOrders:alice'), 0);
});
