import test from 'ava';
import { openRedisReadStore } from '../../projections/store/redis/adapter.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { runRunnerSuite } from './runnerSuite.js';

let server: RedisServer | undefined;

test.before(async () => {
  server = await startRedisServer();
});

test.after.always(async () => {
  await server?.stop();
});

runRunnerSuite('runner on the Redis read store', async () => {
  const store = await openRedisReadStore({ url: server!.url });
  return { store, cleanup: () => store.close() };
});
