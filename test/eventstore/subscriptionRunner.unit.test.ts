import { randomUUID } from 'node:crypto';
import test from 'ava';
import { MemoryCheckpointStore } from '../../eventstore/checkpoints.js';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { ANY, comparePositions, type EventData, type EventStore, type RecordedEvent } from '../../eventstore/port.js';
import { runSubscription } from '../../eventstore/subscriptionRunner.js';

function events(count: number, type = 'Happened'): EventData[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type, data: { i }, metadata: {} }));
}

async function fill(store: EventStore, stream: string, count: number, type?: string): Promise<string> {
  return (await store.append(stream, events(count, type), ANY)).position;
}

test('handles history then live events, once each, in order, and checkpoints what it handled', async (t) => {
  const store = createInMemoryStore();
  const checkpoints = new MemoryCheckpointStore();
  await fill(store, 'thing-1', 5);
  const seen: RecordedEvent[] = [];
  const runner = runSubscription({ store, name: 'test-consumer', checkpointStore: checkpoints, handle: (e) => void seen.push(e) });
  const head = await fill(store, 'thing-1', 5);
  await runner.waitFor(head);
  t.deepEqual(seen.map((e) => e.revision), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await runner.stop();
  t.is(await checkpoints.load('test-consumer'), head);
  t.is(runner.processedPosition, head);
  await store.close();
});

test('resumes after its checkpoint without gaps or duplicates', async (t) => {
  const store = createInMemoryStore();
  const checkpoints = new MemoryCheckpointStore();
  const seen: number[] = [];
  const first = runSubscription({ store, name: 'c', checkpointStore: checkpoints, handle: (e) => void seen.push(e.revision) });
  await first.waitFor(await fill(store, 'thing-1', 4));
  await first.stop();
  const head = await fill(store, 'thing-1', 3);
  const second = runSubscription({ store, name: 'c', checkpointStore: checkpoints, handle: (e) => void seen.push(e.revision) });
  await second.waitFor(head);
  await second.stop();
  t.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
  await store.close();
});

test('a failing handler is reported, the event redelivered after a backoff, and processing continues', async (t) => {
  const store = createInMemoryStore();
  const handled: number[] = [];
  const errors: number[] = [];
  let failOnce = true;
  const runner = runSubscription({
    store,
    name: 'c',
    checkpointStore: new MemoryCheckpointStore(),
    retryInitialMs: 1,
    handle: (e) => {
      if (e.revision === 2 && failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
      handled.push(e.revision);
    },
    onError: (_error, info) => void errors.push(info.consecutiveFailures),
  });
  await runner.waitFor(await fill(store, 'thing-1', 5));
  t.deepEqual(handled, [0, 1, 2, 3, 4]);
  t.deepEqual(errors, [1]);
  t.is(runner.consecutiveFailures, 0);
  await runner.stop();
  await store.close();
});

test('a filtered consumer advances past events it does not handle and becomes idle', async (t) => {
  const store = createInMemoryStore();
  const handled: string[] = [];
  const runner = runSubscription({ store, name: 'c', filter: { eventTypes: ['Wanted'] }, checkpointStore: new MemoryCheckpointStore(), handle: (e) => void handled.push(e.type) });
  await fill(store, 'thing-1', 2, 'Wanted');
  const head = await fill(store, 'thing-2', 3, 'Other');
  await runner.waitFor(head);
  t.deepEqual(handled, ['Wanted', 'Wanted']);
  t.true(comparePositions(runner.processedPosition, head) >= 0);
  t.true(runner.caughtUp);
  t.true(runner.idle);
  await runner.stop();
  await store.close();
});

test('waitFor rejects when the runner stops before reaching the position', async (t) => {
  const store = createInMemoryStore();
  const runner = runSubscription({ store, name: 'c', checkpointStore: new MemoryCheckpointStore(), handle: () => undefined });
  const waiting = runner.waitFor('999999999');
  await runner.stop();
  await t.throwsAsync(waiting, { name: 'SubscriptionStopped' });
  await store.close();
});
