import test from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { runWalkthrough, type Execute } from '../../scripts/walkthrough.js';
import { startEsdbEmulator } from '../support/esdb-emulator/server.js';
import { startRedisServer } from '../support/redisServer.js';
import { ADMIN_KEY, startTestExchange } from './support/exchange.js';
import { checkWalkthrough } from './support/walkthroughChecks.js';

/**
 * The docker-compose topology: the main job on EventStoreDB (the real client over gRPC to the
 * wire emulator) with its read models and pub/sub in Redis. EventStoreDB positions are
 * commit × 2^64 + prepare, far beyond 64 bits, so this is where a read model that assumed
 * small positions would stop. The README walkthrough must come out to the last decimal.
 */
test('EVENTSTORE_URL + REDIS_URL: the walkthrough over EventStoreDB positions and Redis read models', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.stop());
  const backing = createInMemoryStore();
  const emulator = await startEsdbEmulator({ store: backing });
  t.teardown(async () => {
    await emulator.close();
    await backing.close();
  });

  const exchange = await startTestExchange((fn) => t.teardown(fn), {
    config: { eventStoreUrl: emulator.connectionString, redisUrl: redis.url },
  });
  t.is(exchange.job.readStore.kind, 'redis');
  const execute: Execute = async (query, variables, apiKey) => exchange.data(query, variables, apiKey);
  const walkthrough = await runWalkthrough(execute, ADMIN_KEY, 'esdb');
  checkWalkthrough(t, walkthrough, 'esdb');

  const head = await exchange.data<{ system: { headPosition: string; processedPosition: string; idle: boolean } }>('{ system { headPosition processedPosition idle } }');
  t.true(BigInt(head.system.headPosition) >= 2n ** 64n, 'positions are EventStoreDB-encoded');
});
