import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import test from 'ava';
import { createInMemoryStore, openEmbeddedStore } from '../../eventstore/embedded/index.js';
import { StoreClosed } from '../../eventstore/errors.js';
import { ANY, NO_STREAM, type EventData } from '../../eventstore/port.js';
import { makeTempDir } from '../support/tmpdir.js';

function events(count: number): EventData[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type: 'Happened', data: { i }, metadata: {} }));
}

test('ANY deduplicates a repeat of the stream\'s newest events (best effort) and writes anything else', async (t) => {
  const store = createInMemoryStore();
  const batch = events(2);
  const first = await store.append('thing-1', batch, ANY);
  t.deepEqual(await store.append('thing-1', batch, ANY), first);
  const other = await store.append('thing-1', events(1), ANY);
  t.is(other.nextRevision, 2);
  // no longer the newest events: written again, as EventStoreDB may do too
  t.is((await store.append('thing-1', batch, ANY)).nextRevision, 4);
  await store.close();
});

test('close() waits for accepted appends to be durable; later calls get StoreClosed', async (t) => {
  const temp = await makeTempDir('oec-embedded-');
  const dir = join(temp.dir, 'events');
  try {
    const store = await openEmbeddedStore({ dir });
    const pending = Array.from({ length: 20 }, (_, i) => store.append(`thing-${i}`, events(3), NO_STREAM));
    await store.close();
    t.is((await Promise.all(pending)).length, 20);
    await t.throwsAsync(store.append('thing-x', events(1), ANY), { instanceOf: StoreClosed });
    await t.throwsAsync(store.readStream('thing-1'), { instanceOf: StoreClosed });

    const reopened = await openEmbeddedStore({ dir });
    t.is(reopened.stats().records, 60);
    t.is(reopened.stats().streams, 20);
    await reopened.close();
  } finally {
    await temp.remove();
  }
});

test('closing the store ends its subscriptions', async (t) => {
  const store = createInMemoryStore();
  await store.append('thing-1', events(2), NO_STREAM);
  const subscription = store.subscribeToAll();
  const kinds: string[] = [];
  const consumer = (async () => {
    for await (const message of subscription) {
      kinds.push(message.kind);
      if (message.kind === 'caughtUp') void store.close();
    }
  })();
  await consumer;
  t.deepEqual(kinds, ['event', 'event', 'caughtUp']);
});

test('one fsync covers many concurrent appends (group commit)', async (t) => {
  const temp = await makeTempDir('oec-embedded-');
  try {
    const store = await openEmbeddedStore({ dir: join(temp.dir, 'events') });
    const before = store.stats().syncCount;
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(`thing-${i}`, events(1), NO_STREAM)));
    const syncs = store.stats().syncCount - before;
    t.true(syncs >= 1 && syncs < 50, `${syncs} fsyncs for 50 appends`);
    await store.close();
  } finally {
    await temp.remove();
  }
});
