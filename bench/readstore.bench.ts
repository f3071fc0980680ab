/**
 * Projecting into Redis (target ≥ 30,000 events/s). Two cases, one JSON line each:
 *  - readstore.applyBatch: synthetic batches of 500 events (3 writes each: a balance hash, a
 *    newest-first journal entry, the journal trim) applied with their checkpoint;
 *  - readstore.runner: a balances projection catching up over an in-memory event log through the
 *    real runner (subscription, fold with decimal.js, batching, atomic apply).
 * Redis: a private redis-server (or REDIS_URL). Size: READSTORE_BENCH_EVENTS (default 100000).
 */
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { createInMemoryStore } from '../eventstore/embedded/index.js';
import { ANY } from '../eventstore/port.js';
import { idOf } from '../eventstore/streams.js';
import type { Projection } from '../projections/runner/projection.js';
import { createProjectionRunner } from '../projections/runner/runner.js';
import { logOrderMember } from '../projections/store/keys.js';
import { write } from '../projections/store/ops.js';
import type { WriteOp } from '../projections/store/port.js';
import { openRedisReadStore } from '../projections/store/redis/adapter.js';
import { startRedisServer } from '../test/support/redisServer.js';

const EVENTS = Number(process.env.READSTORE_BENCH_EVENTS ?? 100_000);
const BATCH_EVENTS = 500;
const USERS = 1000;

const server = await startRedisServer();
const store = await openRedisReadStore({ url: server.url });
const run = randomUUID().slice(0, 8).replace(/-/g, '');

try {
  // case 1: the store alone
  {
    const projection = `bench_apply_${run}`;
    const started = process.hrtime.bigint();
    for (let first = 0; first < EVENTS; first += BATCH_EVENTS) {
      const ops: WriteOp[] = [];
      for (let i = first; i < Math.min(EVENTS, first + BATCH_EVENTS); i += 1) {
        const user = `u${i % USERS}`;
        ops.push(write.hset(`balance:${user}`, { USDT: `${i}.12345678` }), write.zadd(`journal:${user}`, 0, logOrderMember(String(i + 1), `e${i}`)), write.ztrim(`journal:${user}`, 100));
      }
      await store.applyBatch(projection, 1, ops, String(Math.min(EVENTS, first + BATCH_EVENTS)));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify({ bench: 'readstore.applyBatch', adapter: 'redis', events: EVENTS, batchEvents: BATCH_EVENTS, writesPerEvent: 3, seconds: round(seconds), eventsPerSecond: Math.round(EVENTS / seconds) }));
    await store.deleteVersion(projection, 1);
  }

  // case 2: the runner end to end
  {
    const events = createInMemoryStore();
    for (let first = 0; first < EVENTS; first += 1000) {
      const stream = `account-u${(first / 1000) % USERS}`;
      const chunk = Array.from({ length: Math.min(1000, EVENTS - first) }, (_, i) => ({ id: randomUUID(), type: 'FundsDeposited', data: { asset: 'USDT', amount: `${(first + i) % 97}.01` }, metadata: {} }));
      await events.append(stream, chunk, ANY);
    }
    const name = `bench_runner_${run}`;
    const projection: Projection<Map<string, string>> = {
      name,
      version: 1,
      filter: { streamPrefixes: ['account-'] },
      initialState: () => new Map(),
      loadState: async () => new Map(),
      apply(state, event) {
        const user = idOf(event.stream);
        const amount = (event.data as { amount: string }).amount;
        const value = new Decimal(state.get(user) ?? '0').plus(amount).toFixed();
        state.set(user, value);
        return { state, writes: [write.hset(`balance:${user}`, { USDT: value }), write.zadd(`journal:${user}`, 0, logOrderMember(event.position, event.id)), write.ztrim(`journal:${user}`, 100)] };
      },
    };
    const runner = createProjectionRunner({ eventStore: events, readStore: store, projections: [projection], batchMaxEvents: BATCH_EVENTS });
    const head = await events.headPosition();
    const started = process.hrtime.bigint();
    await runner.start();
    await runner.waitForPosition(head, 600_000);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await runner.stop();
    console.log(JSON.stringify({ bench: 'readstore.runner', adapter: 'redis', events: EVENTS, batchEvents: BATCH_EVENTS, writesPerEvent: 3, seconds: round(seconds), eventsPerSecond: Math.round(EVENTS / seconds) }));
    // its keys stay (it is the current version of its own projection): on a private server that dies with it
    await events.close();
  }
} finally {
  await store.close();
  await server.stop();
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
