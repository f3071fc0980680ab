import test from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { allProjections } from '../../projections/index.js';
import { createProjectionRunner } from '../../projections/runner/index.js';
import { openRedisReadStore } from '../../projections/store/redis/adapter.js';
import { foldLog } from '../../scripts/replay/fold.js';
import { compareWithLive } from '../../scripts/replay/compare.js';
import { randomScenario } from '../support/logBuilder.js';
import { modelSuite } from '../support/logBuilderModels.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

let server: RedisServer | undefined;
// each test gets its own logical database, so tests run concurrently without sharing keys
let nextDb = 1;

test.before(async () => {
  server = await startRedisServer();
});

test.after.always(async () => {
  await server?.stop();
});

const open = async () => {
  const db = nextDb++;
  if (db > 15) throw new Error('out of Redis databases for this file');
  const store = await openRedisReadStore({ url: `${server!.url}/${db}` });
  return store;
};

modelSuite(test, open, 'redis');

test('redis: a projector restarted from its stored checkpoint (fold reloaded from Redis) ends identical to a replay from scratch', async (t) => {
  const builder = randomScenario({ seed: 7, steps: Number(process.env.PROJECTION_TEST_STEPS ?? 300) });
  const eventStore = createInMemoryStore();
  const half = Math.floor(builder.events.length / 2);
  await builder.writeTo(eventStore, { to: half });
  const readStore = await open();
  const first = createProjectionRunner({ eventStore, readStore, projections: allProjections, batchMaxEvents: 37 });
  await first.start();
  await first.waitForPosition(await eventStore.headPosition(), 20_000);
  await first.stop();
  await builder.writeTo(eventStore, { from: half });
  const second = createProjectionRunner({ eventStore, readStore, projections: allProjections });
  await second.start();
  await second.waitForPosition(await eventStore.headPosition(), 20_000);
  await second.stop();
  const replayed = await foldLog(eventStore);
  t.deepEqual(replayed.violations, []);
  const versions = Object.fromEntries(allProjections.map((p) => [p.name, p.version]));
  const { differences } = await compareWithLive(replayed.models, versions, readStore);
  t.deepEqual(differences, []);
  await readStore.close();
  await eventStore.close();
});
