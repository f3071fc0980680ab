/**
 * Model-based check of the contract: random batch sequences applied to the in-memory and the
 * Redis store give the same results (applied / rejected and why) and the same models.
 */
import test from 'ava';
import fc from 'fast-check';
import { createMemoryReadStore } from '../../projections/store/memory.js';
import type { ReadStore, WriteOp } from '../../projections/store/port.js';
import { openRedisReadStore } from '../../projections/store/redis/adapter.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { uniqueProjection } from './storeContract.js';

let server: RedisServer | undefined;

test.before(async () => {
  server = await startRedisServer();
});

test.after.always(async () => {
  await server?.stop();
});

const RUNS = Number(process.env.READSTORE_EQUIVALENCE_RUNS ?? 40);

/** each data structure mostly has keys of its own, so most batches apply; 'mixed' makes type clashes */
const KEYS = { string: ['k1', 'k2'], hash: ['h1', 'bal:u1'], zset: ['z1', 'z2'], set: ['s1'] };
const ALL_KEYS = [...Object.values(KEYS).flat(), 'mixed'];
const keyOf = (family: keyof typeof KEYS) => fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...KEYS[family]) }, { weight: 1, arbitrary: fc.constant('mixed') });
const anyKey = fc.constantFrom(...ALL_KEYS);
const text = fc.constantFrom('', '0', '1.5', 'x', 'é', '😀', 'zz');
const member = fc.constantFrom('m1', 'm2', 'm3', 'M', '00000000000000000010:e', 'é');
const op: fc.Arbitrary<WriteOp> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: keyOf('string'), value: text }),
  fc.record({ op: fc.constant('del' as const), key: anyKey }),
  fc.record({ op: fc.constant('hset' as const), key: keyOf('hash'), fields: fc.dictionary(fc.constantFrom('f1', 'f2', 'f3'), text, { maxKeys: 3 }) }),
  fc.record({ op: fc.constant('hdel' as const), key: keyOf('hash'), fields: fc.array(fc.constantFrom('f1', 'f2', 'f3'), { maxLength: 2 }) }),
  fc.record({ op: fc.constant('zadd' as const), key: keyOf('zset'), entries: fc.array(fc.record({ score: fc.integer({ min: -3, max: 3 }), member }), { maxLength: 4 }) }),
  fc.record({ op: fc.constant('zrem' as const), key: keyOf('zset'), members: fc.array(member, { maxLength: 2 }) }),
  fc.record({ op: fc.constant('ztrim' as const), key: keyOf('zset'), keepNewest: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('sadd' as const), key: keyOf('set'), members: fc.array(member, { maxLength: 3 }) }),
  fc.record({ op: fc.constant('srem' as const), key: keyOf('set'), members: fc.array(member, { maxLength: 2 }) }),
);
/** positions sometimes repeat or go back, to exercise the guard */
const step = fc.record({ ops: fc.array(op, { maxLength: 6 }), position: fc.integer({ min: 1, max: 40 }) });

async function outcome(store: ReadStore, projection: string, ops: WriteOp[], position: string): Promise<string> {
  try {
    const result = await store.applyBatch(projection, 1, ops, position);
    return `applied=${result.applied} checkpoint=${result.checkpoint}`;
  } catch (error) {
    const e = error as Error & { key?: string; holds?: string; op?: string };
    return `${e.name} ${e.key ?? ''} ${e.holds ?? ''} ${e.op ?? ''}`;
  }
}

async function reads(store: ReadStore, projection: string): Promise<unknown[]> {
  const view = store.versionView(projection, 1);
  const out: unknown[] = [];
  for (const k of ALL_KEYS) {
    const tryRead = async (read: () => Promise<unknown>) => read().catch((error: Error) => error.name);
    out.push(await tryRead(() => view.get(k)), await tryRead(() => view.hgetall(k)), await tryRead(() => view.zrevrangeWithScores(k, 0, 1)));
    out.push(await tryRead(() => view.zrevrangeByScore(k, { max: 2, min: -1, offset: 1, count: 2 })), await tryRead(() => view.smembers(k)));
  }
  out.push(await view.mget(ALL_KEYS));
  return out;
}

test('random batch sequences: memory and Redis agree on every result and on the final model', async (t) => {
  const redis = await openRedisReadStore({ url: server!.url });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const memory = createMemoryReadStore();
        const projection = uniqueProjection('eq');
        for (const { ops, position } of steps) {
          const [m, r] = [await outcome(memory, projection, ops, String(position)), await outcome(redis, projection, ops, String(position))];
          if (m !== r) throw new Error(`outcomes differ: memory ${m} / redis ${r}`);
        }
        t.deepEqual(await redis.exportVersion(projection, 1), await memory.exportVersion(projection, 1));
        t.deepEqual(await reads(redis, projection), await reads(memory, projection));
        t.is(await redis.checkpoint(projection, 1), await memory.checkpoint(projection, 1));
        await redis.deleteVersion(projection, 1);
      }),
      { numRuns: RUNS },
    );
  } finally {
    await redis.close();
  }
});
