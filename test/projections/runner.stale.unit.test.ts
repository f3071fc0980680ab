/**
 * A live runner whose fold no longer matches the store: the read store lost its model while the
 * runner kept running (a Redis restarted without persistence, a restore from an older backup).
 * Its next batch was computed from a checkpoint the store no longer holds, so the store must
 * refuse it (expectedCheckpoint) and the runner must reload its fold from the store and rebuild
 * from there (DESIGN §9) — not keep its in-memory fold and write a model with holes under a
 * checkpoint that claims everything before it is in.
 */
import test from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { createProjectionRunner } from '../../projections/runner/runner.js';
import { createMemoryReadStore, type MemoryReadStore } from '../../projections/store/memory.js';
import type { ReadStore } from '../../projections/store/port.js';
import { balancesProjection, deposit, seed } from './runnerFixtures.js';

const WAIT_MS = 10_000;

/** a read store whose content can be lost at once, like a server restarted empty */
function losableStore(): { store: ReadStore; lose(): void; applied: Array<{ applied: boolean; expected: unknown }> } {
  let inner: MemoryReadStore = createMemoryReadStore();
  const applied: Array<{ applied: boolean; expected: unknown }> = [];
  const store = new Proxy({} as ReadStore, {
    get(_target, property) {
      if (property === 'applyBatch') {
        return async (...args: Parameters<ReadStore['applyBatch']>) => {
          const result = await inner.applyBatch(...args);
          applied.push({ applied: result.applied, expected: args[4]?.expectedCheckpoint });
          return result;
        };
      }
      const value = Reflect.get(inner, property, inner);
      return typeof value === 'function' ? value.bind(inner) : value;
    },
  });
  return {
    store,
    lose: () => {
      inner = createMemoryReadStore();
    },
    applied,
  };
}

test('a live runner whose batch the store refuses reloads its fold from the store instead of advancing', async (t) => {
  const events = createInMemoryStore();
  const reads = losableStore();
  const name = 'bal';
  const runner = createProjectionRunner({ eventStore: events, readStore: reads.store, projections: [balancesProjection({ name })], retryInitialMs: 1, retryMaxMs: 5 });
  try {
    const expected = await seed(events, 40);
    await runner.start();
    await runner.waitForPosition(await events.headPosition(), WAIT_MS);

    // the store forgets everything while the runner is live; the pointer comes back with the next start of a reader
    reads.lose();
    await reads.store.switchVersion(name, { from: null, to: 1 });
    const after = await deposit(events, 'u1', '5');
    expected.set('u1', expected.get('u1')!.plus('5'));
    await runner.waitForPosition(after, WAIT_MS);

    t.true(reads.applied.some((a) => !a.applied && a.expected !== undefined), 'the batch computed from the lost base was refused');
    const view = (await reads.store.view(name))!;
    t.deepEqual(await view.smembers('users'), [...expected.keys()].sort(), 'every user is back, not only the one of the new event');
    for (const [user, amount] of expected) t.is(await view.hget(`balance:${user}`, 'USDT'), amount.toFixed(), user);
    t.is(await reads.store.checkpoint(name, 1), after);
  } finally {
    await runner.stop();
    await events.close();
  }
});
