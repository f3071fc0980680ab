/**
 * deferStateHash: the fold's state hash computed when first read is the hash the fold computes
 * at its end, for the one-thread and the two-thread fold, and it is not computed before.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { openEmbeddedStore } from '../../eventstore/embedded/index.js';
import { foldLog } from '../../scripts/replay/fold.js';
import { stateHash } from '../../scripts/replay/hash.js';
import { randomScenario } from '../support/logBuilder.js';

test('a deferred state hash equals the eager one, one thread and two, and is computed only when read', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'oec-defer-hash-'));
  const store = await openEmbeddedStore({ dir: path.join(dir, 'events') });
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  await randomScenario({ seed: 77, steps: 150, users: 6 }).writeTo(store);

  for (const parallel of [false, true]) {
    const eager = await foldLog(store, { parallel });
    const deferred = await foldLog(store, { parallel, deferStateHash: true });
    t.deepEqual(eager.violations, []);
    // the models may still change before the hash is read: then it is the hash of what they hold
    const probe = await foldLog(store, { parallel, deferStateHash: true });
    await probe.readModels.applyBatch('users', 1, [{ op: 'hset', key: 'user:late', fields: { userId: 'late' } }], '999999999');
    t.not(probe.stateHash, eager.stateHash, `parallel ${parallel}: a hash computed at the fold's end would not see the late write`);
    t.is(deferred.stateHash, eager.stateHash);
    t.is(deferred.stateHash, stateHash(deferred.models));
    t.true(Object.keys(deferred).includes('stateHash'));
  }
});
