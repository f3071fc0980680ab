/**
 * Crash atomicity of the Redis adapter: whatever moment the connection dies, model and
 * checkpoint are both old or both new, and a restart from the stale checkpoint re-applies the
 * batch with no double effect.
 */
import test from 'ava';
import { createClient } from 'redis';
import { ReadStoreWrongType } from '../../projections/store/errors.js';
import { write as w } from '../../projections/store/ops.js';
import type { DumpValue, WriteOp } from '../../projections/store/port.js';
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

/** a batch big enough that the script is still in flight when the connection is dropped */
function bigBatch(round: number): WriteOp[] {
  const ops: WriteOp[] = [];
  for (let i = 0; i < 2500; i += 1) {
    ops.push(w.hset(`acct:${i % 500}`, { available: `${round}.${i}` }));
    ops.push(w.zadd(`journal:${i % 50}`, round * 10_000 + i, `r${round}e${i}`));
  }
  ops.push(w.ztrim('journal:0', 40));
  return ops;
}

test('dropping the connection at any moment leaves model and checkpoint together; re-applying from the stale checkpoint converges', async (t) => {
  const p = uniqueProjection('crash');
  const base = await openRedisReadStore({ url: server!.url });
  await base.applyBatch(p, 1, bigBatch(1), '100');
  const before = await base.exportVersion(p, 1);

  // the state a successful apply produces, computed on a twin projection
  const twin = uniqueProjection('twin');
  await base.applyBatch(twin, 1, bigBatch(1), '100');
  await base.applyBatch(twin, 1, bigBatch(2), '200');
  const after = await base.exportVersion(twin, 1);
  t.notDeepEqual(before, after);

  const outcomes = new Set<string>();
  for (let trial = 0; trial < 6; trial += 1) {
    const clientName = `victim-${p}-${trial}`;
    const victim = await openRedisReadStore({ url: server!.url, clientName });
    const pending = victim.applyBatch(p, 1, bigBatch(2), '200').catch((error: Error) => error);
    // drop the connection after 0..5 turns of the event loop: before sending, while sending, or after
    for (let turn = 0; turn < trial; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    victim.destroy();
    await pending;

    await waitUntilDisconnected(clientName);
    const checkpoint = (await base.checkpoint(p, 1))!;
    const model = await base.exportVersion(p, 1);
    if (checkpoint === '100') t.deepEqual(model, before, `trial ${trial}: not applied → model untouched`);
    else {
      t.is(checkpoint, '200');
      t.deepEqual(model, after, `trial ${trial}: applied → the whole batch`);
    }
    outcomes.add(checkpoint);

    // restart from the checkpoint the projector had persisted before: re-apply
    const restarted = await openRedisReadStore({ url: server!.url });
    await restarted.applyBatch(p, 1, bigBatch(2), '200');
    t.deepEqual(await restarted.exportVersion(p, 1), after);
    t.false((await restarted.applyBatch(p, 1, bigBatch(2), '200')).applied);
    t.deepEqual(await restarted.exportVersion(p, 1), after);
    await restarted.close();

    // back to the "before" state for the next trial
    await base.deleteVersion(p, 1);
    await base.applyBatch(p, 1, bigBatch(1), '100');
  }
  t.log(`outcomes seen: ${[...outcomes].join(', ')}`);
  await base.close();
});

/**
 * Once Redis has freed the dropped connection, every byte it received on it has been handled:
 * a script that arrived whole has run to its end, one that did not has been discarded.
 */
async function waitUntilDisconnected(clientName: string): Promise<void> {
  const probe = createClient({ url: server!.url });
  await probe.connect();
  const deadline = Date.now() + 10_000;
  try {
    while (String(await probe.sendCommand(['CLIENT', 'LIST'])).includes(`name=${clientName} `)) {
      if (Date.now() > deadline) throw new Error(`redis still lists ${clientName} after 10 s`);
    }
  } finally {
    await probe.close();
  }
}

test('a batch failing its type check mid-way changes neither model nor checkpoint; the fixed batch then applies once', async (t) => {
  const p = uniqueProjection('typefail');
  const store = await openRedisReadStore({ url: server!.url });
  await store.applyBatch(p, 1, [w.set('legacy', 'a string'), w.hset('bal:u1', { available: '10' })], '5');
  const before = await store.exportVersion(p, 1);
  const batch = [...bigBatch(3), w.sadd('legacy', 'boom')];
  await t.throwsAsync(store.applyBatch(p, 1, batch, '6'), { instanceOf: ReadStoreWrongType });
  t.deepEqual(await store.exportVersion(p, 1), before, 'none of the 8000 ops before the bad one landed');
  t.is(await store.checkpoint(p, 1), '5');
  const fixed = [w.del('legacy'), ...batch];
  t.true((await store.applyBatch(p, 1, fixed, '6')).applied);
  const once = await store.exportVersion(p, 1);
  t.false((await store.applyBatch(p, 1, fixed, '6')).applied);
  t.deepEqual(await store.exportVersion(p, 1), once);
  t.deepEqual(once['legacy'], { type: 'set', members: ['boom'] } satisfies DumpValue);
  await store.close();
});

test('the script survives SCRIPT FLUSH (EVALSHA falls back to EVAL) and never increments in Redis', async (t) => {
  const p = uniqueProjection('flush');
  const store = await openRedisReadStore({ url: server!.url });
  const admin = createClient({ url: server!.url });
  await admin.connect();
  await store.applyBatch(p, 1, [w.set('a', '1')], '1');
  await admin.scriptFlush();
  t.true((await store.applyBatch(p, 1, [w.set('a', '2')], '2')).applied);
  t.is(await store.versionView(p, 1).get('a'), '2');
  // money is computed in TypeScript: our private server never saw an increment command
  if (server!.kind === 'private') {
    const stats = await admin.sendCommand(['INFO', 'commandstats']);
    t.notRegex(String(stats), /cmdstat_(incrbyfloat|hincrbyfloat|incrby|hincrby|zincrby)/);
  }
  await admin.close();
  await store.close();
});
