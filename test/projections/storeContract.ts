/**
 * The ReadStore port's contract suite (DESIGN §9, §12): the in-memory and the Redis adapter run
 * these same tests. Every test uses its own projection name, so a shared Redis (REDIS_URL)
 * never mixes runs.
 */
import { randomUUID } from 'node:crypto';
import test from 'ava';
import { CurrentVersionInUse, InvalidReadArgument, InvalidWriteOp, ReadStoreClosed, ReadStoreWrongType } from '../../projections/store/errors.js';
import { idOfLogOrderMember, logOrderMember } from '../../projections/store/keys.js';
import { Deferred } from '../../projections/store/deferred.js';
import { write as w } from '../../projections/store/ops.js';
import type { ReadStore, WriteOp } from '../../projections/store/port.js';

export interface ContractReadStore {
  store: ReadStore;
  cleanup(): Promise<void>;
}

const RUN = randomUUID().replace(/-/g, '').slice(0, 8);
let counter = 0;

/** a projection name no other test or run uses */
export function uniqueProjection(label = 'p'): string {
  counter += 1;
  return `${label}_${RUN}_${counter}`;
}

export function runReadStoreContract(name: string, makeStore: () => Promise<ContractReadStore>): void {
  test(`${name}: strings — set replaces, get/mget read, missing is null`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      await store.applyBatch(p, 1, [w.set('a', '1.5'), w.set('b', 'x'), w.set('a', '2.25')], '10');
      const view = store.versionView(p, 1);
      t.is(await view.get('a'), '2.25');
      t.is(await view.get('missing'), null);
      await store.applyBatch(p, 1, [w.hset('h', { f: 'v' })], '11');
      t.deepEqual(await view.mget(['a', 'missing', 'b', 'h']), ['2.25', null, 'x', null], 'a key of another type reads as null in mget');
      t.deepEqual(await view.mget([]), []);
      await store.applyBatch(p, 1, [w.set('h', 'now a string')], '12');
      t.is(await view.get('h'), 'now a string', 'set replaces a key of any type');
      t.true(await view.exists('a'));
      t.false(await view.exists('missing'));
    } finally {
      await cleanup();
    }
  });

  test(`${name}: hashes — hset merges, hdel removes, an emptied hash is gone`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const view = store.versionView(p, 1);
      t.deepEqual(await view.hgetall('bal:u1'), {});
      await store.applyBatch(p, 1, [w.hset('bal:u1', { available: '100', frozen: '0' })], '5');
      await store.applyBatch(p, 1, [w.hset('bal:u1', { frozen: '12.5', locked: '3' })], '6');
      t.deepEqual(await view.hgetall('bal:u1'), { available: '100', frozen: '12.5', locked: '3' });
      t.is(await view.hget('bal:u1', 'frozen'), '12.5');
      t.is(await view.hget('bal:u1', 'nope'), null);
      t.is(await view.hget('nokey', 'f'), null);
      await store.applyBatch(p, 1, [w.hdel('bal:u1', 'locked', 'never-there')], '7');
      t.deepEqual(await view.hgetall('bal:u1'), { available: '100', frozen: '12.5' });
      await store.applyBatch(p, 1, [w.hdel('bal:u1', 'available', 'frozen')], '8');
      t.false(await view.exists('bal:u1'));
      t.deepEqual(await view.hgetall('bal:u1'), {});
    } finally {
      await cleanup();
    }
  });

  test(`${name}: a deferred hash field is stored as its rendered text, and the caller's op is not changed`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const view = store.versionView(p, 1);
      const state = { qty: '1.5', side: 'LONG' };
      const op = w.hsetDeferred('position:u1:X', { userId: 'u1', state: new Deferred(state, (s) => JSON.stringify(s)) });
      // uncompacted: the store renders it before it validates and writes
      await store.applyBatch(p, 1, [op, w.hset('position:u1:X', { symbol: 'X' })], '5');
      t.deepEqual(await view.hgetall('position:u1:X'), { state: '{"qty":"1.5","side":"LONG"}', symbol: 'X', userId: 'u1' });
      t.true((op as { fields: Record<string, unknown> }).fields['state'] instanceof Deferred);
      // a deferred that renders something other than a string is refused like any bad value, and nothing is written
      const bad = w.hsetDeferred('position:u1:X', { state: new Deferred(1, (n) => n as unknown as string) });
      await t.throwsAsync(store.applyBatch(p, 1, [w.set('other', 'x'), bad], '6'), { instanceOf: InvalidWriteOp });
      t.false(await view.exists('other'));
    } finally {
      await cleanup();
    }
  });

  test(`${name}: del removes a key of any type`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      await store.applyBatch(p, 1, [w.set('s', '1'), w.hset('h', { a: '1' }), w.zadd('z', 1, 'm'), w.sadd('t', 'x')], '1');
      await store.applyBatch(p, 1, [w.del('s'), w.del('h'), w.del('z'), w.del('t'), w.del('never')], '2');
      const view = store.versionView(p, 1);
      for (const key of ['s', 'h', 'z', 't']) t.false(await view.exists(key), key);
      t.deepEqual(await store.exportVersion(p, 1), {});
    } finally {
      await cleanup();
    }
  });

  test(`${name}: sorted sets — newest first pages, ties by member, rescoring, removal, trim`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const view = store.versionView(p, 1);
      await store.applyBatch(p, 1, [w.zaddMany('trades', [1, 2, 3, 4, 5].map((n) => ({ score: n, member: `t${n}` }))), w.zadd('trades', 3, 't3b'), w.zadd('trades', 3, 't3a')], '1');
      t.deepEqual(await view.zrevrange('trades', 0, 2), ['t5', 't4', 't3b']);
      t.deepEqual(await view.zrevrange('trades', 0, -1), ['t5', 't4', 't3b', 't3a', 't3', 't2', 't1'], 'equal scores: member order, reversed');
      t.deepEqual(await view.zrevrange('trades', -2, -1), ['t2', 't1']);
      t.deepEqual(await view.zrevrange('trades', 5, 100), ['t2', 't1']);
      t.deepEqual(await view.zrevrange('trades', 3, 1), []);
      t.deepEqual(await view.zrevrange('none', 0, 10), []);
      t.deepEqual(await view.zrevrangeWithScores('trades', 0, 1), [
        { member: 't5', score: 5 },
        { member: 't4', score: 4 },
      ]);
      await store.applyBatch(p, 1, [w.zadd('trades', 10, 't1'), w.zrem('trades', 't3a', 't3b', 'ghost')], '2');
      t.deepEqual(await view.zrevrange('trades', 0, -1), ['t1', 't5', 't4', 't3', 't2'], 'rescoring moves the member');
      t.is(await view.zscore('trades', 't1'), 10);
      t.is(await view.zscore('trades', 'ghost'), null);
      t.is(await view.zcard('trades'), 5);
      t.is(await view.zcard('none'), 0);
      await store.applyBatch(p, 1, [w.ztrim('trades', 2)], '3');
      t.deepEqual(await view.zrevrange('trades', 0, -1), ['t1', 't5'], 'trim keeps the newest');
      await store.applyBatch(p, 1, [w.ztrim('trades', 0)], '4');
      t.false(await view.exists('trades'));
    } finally {
      await cleanup();
    }
  });

  test(`${name}: sorted sets — pages by score with offset and count`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const view = store.versionView(p, 1);
      await store.applyBatch(p, 1, [w.zaddMany('z', [-5, 0, 10, 20, 20, 30].map((score, i) => ({ score, member: `m${i}` })))], '1');
      const members = async (range: { max: number; min: number; offset?: number; count?: number }) => (await view.zrevrangeByScore('z', range)).map((e) => `${e.member}@${e.score}`);
      t.deepEqual(await members({ max: Infinity, min: -Infinity }), ['m5@30', 'm4@20', 'm3@20', 'm2@10', 'm1@0', 'm0@-5']);
      t.deepEqual(await members({ max: 20, min: 0 }), ['m4@20', 'm3@20', 'm2@10', 'm1@0'], 'bounds inclusive');
      t.deepEqual(await members({ max: 20, min: 0, offset: 1, count: 2 }), ['m3@20', 'm2@10']);
      t.deepEqual(await members({ max: 20, min: 0, offset: 10 }), []);
      t.deepEqual(await members({ max: 20, min: 0, count: 0 }), []);
      t.deepEqual(await members({ max: -10, min: -20 }), []);
      await t.throwsAsync(view.zrevrangeByScore('z', { max: Number.NaN, min: 0 }), { instanceOf: InvalidReadArgument });
      await t.throwsAsync(view.zrevrangeByScore('z', { max: 1, min: 0, count: -1 }), { instanceOf: InvalidReadArgument });
      await t.throwsAsync(view.zrevrange('z', 0.5, 1), { instanceOf: InvalidReadArgument });
    } finally {
      await cleanup();
    }
  });

  test(`${name}: log-order members sort newest first even past 2^53 and 2^64 (EventStoreDB positions)`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      // the EventStoreDB adapter's positions are commit × 2^64 + prepare
      const positions = ['9', '10', '9007199254740992', '9007199254740993', '18446744073709551615', '18446744073709551617', '340282366920938463463374607431768211455'];
      await store.applyBatch(p, 1, positions.map((position, i) => w.zadd('journal:u1', 0, logOrderMember(position, `e${i}`))), '1');
      const page = await store.versionView(p, 1).zrevrange('journal:u1', 0, -1);
      t.deepEqual(page.map(idOfLogOrderMember), ['e6', 'e5', 'e4', 'e3', 'e2', 'e1', 'e0']);
      t.throws(() => logOrderMember('340282366920938463463374607431768211456', 'x'), { instanceOf: InvalidWriteOp });
    } finally {
      await cleanup();
    }
  });

  test(`${name}: members and set elements order by code point (UTF-8 bytes), like Redis`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const words = ['b', 'a', 'ab', 'é', '\uffee', '😀', 'A', ''];
      await store.applyBatch(p, 1, [w.zaddMany('z', words.map((member) => ({ score: 1, member }))), w.sadd('s', ...words)], '1');
      const view = store.versionView(p, 1);
      const expected = ['', 'A', 'a', 'ab', 'b', 'é', '\uffee', '😀'];
      t.deepEqual(await view.zrevrange('z', 0, -1), [...expected].reverse());
      t.deepEqual(await view.smembers('s'), expected);
    } finally {
      await cleanup();
    }
  });

  test(`${name}: sets — add, remove, membership, count`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const view = store.versionView(p, 1);
      await store.applyBatch(p, 1, [w.sadd('open:u1', 'o3', 'o1', 'o2', 'o1')], '1');
      t.deepEqual(await view.smembers('open:u1'), ['o1', 'o2', 'o3']);
      t.is(await view.scard('open:u1'), 3);
      await store.applyBatch(p, 1, [w.srem('open:u1', 'o2', 'zz')], '2');
      t.true(await view.sismember('open:u1', 'o1'));
      t.false(await view.sismember('open:u1', 'o2'));
      t.deepEqual(await view.smembers('nothing'), []);
      t.is(await view.scard('nothing'), 0);
      await store.applyBatch(p, 1, [w.srem('open:u1', 'o1', 'o3')], '3');
      t.false(await view.exists('open:u1'));
    } finally {
      await cleanup();
    }
  });

  test(`${name}: a batch and its checkpoint land together; at or before the checkpoint it is a no-op`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      t.is(await store.checkpoint(p, 1), null);
      const batchA: WriteOp[] = [w.hset('bal:u1', { available: '100' }), w.zadd('j', 0, logOrderMember('10', 'a'))];
      const batchB: WriteOp[] = [w.hset('bal:u1', { available: '60' }), w.zadd('j', 0, logOrderMember('20', 'b')), w.ztrim('j', 1)];
      t.deepEqual(await store.applyBatch(p, 1, batchA, '10'), { applied: true, checkpoint: '10' });
      t.deepEqual(await store.applyBatch(p, 1, batchB, '20'), { applied: true, checkpoint: '20' });
      const after = await store.exportVersion(p, 1);
      t.deepEqual(await store.applyBatch(p, 1, batchA, '10'), { applied: false, checkpoint: '20' }, 'older: skipped');
      t.deepEqual(await store.applyBatch(p, 1, batchB, '20'), { applied: false, checkpoint: '20' }, 'equal: skipped');
      t.deepEqual(await store.exportVersion(p, 1), after, 're-applying changes nothing');
      t.is(await store.checkpoint(p, 1), '20');
      t.deepEqual(after, {
        'bal:u1': { type: 'hash', fields: { available: '60' } },
        j: { type: 'zset', entries: [{ score: 0, member: logOrderMember('20', 'b') }] },
      });
      // positions compare as integers, not as text ('9' < '10'), up to 64 bits
      t.true((await store.applyBatch(p, 1, [], '100')).applied);
      t.false((await store.applyBatch(p, 1, [w.set('x', '1')], '99')).applied);
      t.true((await store.applyBatch(p, 1, [], '18446744073709551615')).applied);
      t.false((await store.applyBatch(p, 1, [w.set('x', '1')], '18446744073709551614')).applied);
      t.false(await store.versionView(p, 1).exists('x'));
      t.is(await store.checkpoint(p, 1), '18446744073709551615');
      // and beyond 64 bits, as the EventStoreDB adapter's positions are: equal length compares exactly
      t.true((await store.applyBatch(p, 1, [], '36893488147419103233')).applied);
      t.false((await store.applyBatch(p, 1, [w.set('x', '1')], '36893488147419103232')).applied);
      t.true((await store.applyBatch(p, 1, [], '36893488147419103234')).applied);
      t.is(await store.checkpoint(p, 1), '36893488147419103234');
      // 39 digits differing where a double cannot tell them apart
      t.true((await store.applyBatch(p, 1, [], '100000000000000000010000000000000000000')).applied);
      t.true((await store.applyBatch(p, 1, [], '100000000000000000020000000000000000000')).applied);
      t.false((await store.applyBatch(p, 1, [w.set('x', '1')], '100000000000000000010000000000000000001')).applied);
      t.is(await store.checkpoint(p, 1), '100000000000000000020000000000000000000');
    } finally {
      await cleanup();
    }
  });

  test(`${name}: expectedCheckpoint makes a batch apply only on the base it was computed from`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      t.deepEqual(await store.applyBatch(p, 1, [w.set('bal', '5')], '10', { expectedCheckpoint: '3' }), { applied: false, checkpoint: '0' }, 'nothing stored yet, something expected');
      t.deepEqual(await store.applyBatch(p, 1, [w.set('bal', '5')], '10', { expectedCheckpoint: null }), { applied: true, checkpoint: '10' });
      t.deepEqual(await store.applyBatch(p, 1, [w.set('bal', '7')], '20', { expectedCheckpoint: null }), { applied: false, checkpoint: '10' }, 'a stale base');
      t.deepEqual(await store.applyBatch(p, 1, [w.set('bal', '7')], '20', { expectedCheckpoint: '9' }), { applied: false, checkpoint: '10' });
      t.is(await store.versionView(p, 1).get('bal'), '5');
      t.deepEqual(await store.applyBatch(p, 1, [w.set('bal', '7')], '20', { expectedCheckpoint: '10' }), { applied: true, checkpoint: '20' });
      t.deepEqual(await store.applyBatch(p, 1, [w.set('bal', '9')], '20', { expectedCheckpoint: '20' }), { applied: false, checkpoint: '20' }, 'still never at or before the checkpoint');
      t.is(await store.versionView(p, 1).get('bal'), '7');
      await t.throwsAsync(store.applyBatch(p, 1, [], '30', { expectedCheckpoint: 'x' }), { instanceOf: InvalidWriteOp });
    } finally {
      await cleanup();
    }
  });

  test(`${name}: a batch that meets a key of another type writes nothing, not even its first ops`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      await store.applyBatch(p, 1, [w.set('str', 'v'), w.hset('h', { a: '1' })], '1');
      const before = await store.exportVersion(p, 1);
      const error = await t.throwsAsync(store.applyBatch(p, 1, [w.set('first', 'x'), w.hset('h', { a: '2' }), w.zadd('str', 1, 'm')], '2'), { instanceOf: ReadStoreWrongType });
      t.is(error?.key, 'str');
      t.is(error?.holds, 'string');
      t.is(error?.op, 'zadd');
      t.deepEqual(await store.exportVersion(p, 1), before);
      t.is(await store.checkpoint(p, 1), '1');
      // types are tracked through the batch: a key made a string earlier in it is a string
      await t.throwsAsync(store.applyBatch(p, 1, [w.set('fresh', 'x'), w.sadd('fresh', 'm')], '2'), { instanceOf: ReadStoreWrongType });
      // ...and a key deleted earlier in it is free
      t.true((await store.applyBatch(p, 1, [w.del('str'), w.sadd('str', 'm')], '2')).applied);
      t.deepEqual(await store.versionView(p, 1).smembers('str'), ['m']);
      await t.throwsAsync(store.versionView(p, 1).get('h'), { instanceOf: ReadStoreWrongType });
      await t.throwsAsync(store.versionView(p, 1).zrevrange('h', 0, 1), { instanceOf: ReadStoreWrongType });
    } finally {
      await cleanup();
    }
  });

  test(`${name}: rejects bad ops, keys, names, versions and positions before writing`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const bad: Array<[string, Promise<unknown>]> = [
        ['float score', store.applyBatch(p, 1, [w.zadd('z', 1.5, 'm')], '1')],
        ['huge score', store.applyBatch(p, 1, [w.zadd('z', 2 ** 60, 'm')], '1')],
        ['$ key', store.applyBatch(p, 1, [w.set('$checkpoint', '999')], '1')],
        ['empty key', store.applyBatch(p, 1, [w.set('', 'x')], '1')],
        ['number value', store.applyBatch(p, 1, [{ op: 'set', key: 'k', value: 5 as unknown as string }], '1')],
        ['unknown op', store.applyBatch(p, 1, [{ op: 'incrbyfloat', key: 'k' } as unknown as WriteOp], '1')],
        ['negative trim', store.applyBatch(p, 1, [w.ztrim('z', -1)], '1')],
        ['bad position', store.applyBatch(p, 1, [], '01')],
        ['over 128 bits', store.applyBatch(p, 1, [], '340282366920938463463374607431768211456')],
        ['bad name', store.applyBatch('rm:x', 1, [], '1')],
        ['version 0', store.applyBatch(p, 0, [], '1')],
      ];
      for (const [label, promise] of bad) await t.throwsAsync(promise, { instanceOf: InvalidWriteOp }, label);
      t.is(await store.checkpoint(p, 1), null);
      t.deepEqual(await store.exportVersion(p, 1), {});
      await t.throwsAsync(store.versionView(p, 1).get('$checkpoint'), { instanceOf: InvalidReadArgument });
    } finally {
      await cleanup();
    }
  });

  test(`${name}: empty ops are skipped and an empty batch still moves the checkpoint`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      t.true((await store.applyBatch(p, 1, [w.hset('h', {}), w.sadd('s'), w.zaddMany('z', []), w.set('k', 'v')], '3')).applied);
      t.deepEqual(await store.exportVersion(p, 1), { k: { type: 'string', value: 'v' } });
      t.true((await store.applyBatch(p, 1, [], '4')).applied);
      t.is(await store.checkpoint(p, 1), '4');
    } finally {
      await cleanup();
    }
  });

  test(`${name}: large batches (many ops, wide hashes) apply whole`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      const fields: Record<string, string> = {};
      for (let i = 0; i < 1500; i += 1) fields[`f${i}`] = String(i);
      const ops: WriteOp[] = [w.hset('wide', fields), w.sadd('many', ...Array.from({ length: 1200 }, (_, i) => `m${i}`))];
      for (let i = 0; i < 3000; i += 1) ops.push(w.hset(`acct:${i % 700}`, { available: `${i}.5` }));
      t.true((await store.applyBatch(p, 1, ops, '42')).applied);
      const view = store.versionView(p, 1);
      t.is(Object.keys(await view.hgetall('wide')).length, 1500);
      t.is(await view.hget('wide', 'f1499'), '1499');
      t.is(await view.scard('many'), 1200);
      t.is(await view.hget('acct:0', 'available'), '2800.5');
      t.is(Object.keys(await store.exportVersion(p, 1)).length, 702);
    } finally {
      await cleanup();
    }
  });

  test(`${name}: versions are separate; readers follow the pointer, switched by compare-and-set`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      t.is(await store.view(p), null);
      t.is(await store.currentVersion(p), null);
      await store.applyBatch(p, 1, [w.set('k', 'old')], '7');
      await store.applyBatch(p, 2, [w.set('k', 'new')], '3');
      t.deepEqual(await store.versions(p), [1, 2]);
      t.true(await store.switchVersion(p, { from: null, to: 1 }));
      t.false(await store.switchVersion(p, { from: null, to: 2 }), 'the pointer is no longer unset');
      t.is(await (await store.view(p))!.get('k'), 'old');
      t.false(await store.switchVersion(p, { from: 3, to: 2 }));
      t.true(await store.switchVersion(p, { from: 1, to: 2 }));
      const view = (await store.view(p))!;
      t.is(view.version, 2);
      t.is(await view.get('k'), 'new');
      t.is(await store.versionView(p, 1).get('k'), 'old', 'the old version is still there until deleted');
      t.is(await store.checkpoint(p, 1), '7');
      t.is(await store.checkpoint(p, 2), '3');
    } finally {
      await cleanup();
    }
  });

  test(`${name}: rebuild beside live, switch, delete the old version (and only it)`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      await store.applyBatch(p, 1, [w.hset('bal:u1', { available: '1' }), w.zadd('z', 1, 'a'), w.sadd('s', 'x')], '5');
      t.true(await store.switchVersion(p, { from: null, to: 1 }));
      // v10's prefix starts like v1's: deleting v1 must not touch it
      await store.applyBatch(p, 10, [w.set('keep', 'me')], '5');
      await store.applyBatch(p, 2, [w.hset('bal:u1', { available: '1', frozen: '0' })], '5');
      await t.throwsAsync(store.deleteVersion(p, 1), { instanceOf: CurrentVersionInUse });
      t.true(await store.switchVersion(p, { from: 1, to: 2 }));
      t.is(await store.deleteVersion(p, 1), 4, 'three model keys and the checkpoint');
      t.is(await store.checkpoint(p, 1), null);
      t.deepEqual(await store.exportVersion(p, 1), {});
      t.deepEqual(await store.versions(p), [2, 10]);
      t.deepEqual(await store.exportVersion(p, 10), { keep: { type: 'string', value: 'me' } });
      t.deepEqual(await (await store.view(p))!.hgetall('bal:u1'), { available: '1', frozen: '0' });
      t.is(await store.deleteVersion(p, 1), 0, 'deleting twice is harmless');
    } finally {
      await cleanup();
    }
  });

  test(`${name}: exportVersion lists every type canonically, without the checkpoint`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      await store.applyBatch(p, 1, [w.set('s', 'v'), w.hset('h', { b: '2', a: '1' }), w.zadd('z', 2, 'y'), w.zadd('z', 1, 'x'), w.sadd('t', 'q', 'p')], '1');
      t.deepEqual(await store.exportVersion(p, 1), {
        h: { type: 'hash', fields: { a: '1', b: '2' } },
        s: { type: 'string', value: 'v' },
        t: { type: 'set', members: ['p', 'q'] },
        z: { type: 'zset', entries: [{ score: 1, member: 'x' }, { score: 2, member: 'y' }] },
      });
    } finally {
      await cleanup();
    }
  });

  test(`${name}: a closed store refuses calls`, async (t) => {
    const { store, cleanup } = await makeStore();
    const p = uniqueProjection();
    try {
      await store.close();
      await t.throwsAsync(store.applyBatch(p, 1, [], '1'), { instanceOf: ReadStoreClosed });
      await t.throwsAsync(store.checkpoint(p, 1), { instanceOf: ReadStoreClosed });
      await t.throwsAsync(store.versionView(p, 1).get('k'), { instanceOf: ReadStoreClosed });
    } finally {
      await cleanup();
    }
  });
}
