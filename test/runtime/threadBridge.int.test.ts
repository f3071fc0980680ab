import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { createInMemoryStore, type EmbeddedEventStore } from '../../eventstore/embedded/index.js';
import { StreamNotFound, WrongExpectedVersion } from '../../eventstore/errors.js';
import type { EventData, SubscriptionMessage } from '../../eventstore/port.js';
import { PortEventStore, serveStore, toWire } from '../../runtime/workflows/storeBridge.js';
import { errorFromThread } from '../../runtime/workflows/threadHost.js';

/*
 * The store bridge of the workflows thread (storeBridge.ts), both ends in this thread over one
 * MessageChannel: the same messages cross as between threads, in the same order.
 */

function bridge(t: ExecutionContext, store: EmbeddedEventStore = createInMemoryStore()): { store: EmbeddedEventStore; remote: PortEventStore } {
  const { port1, port2 } = new MessageChannel();
  const stopServing = serveStore(port1, store);
  const remote = new PortEventStore(port2);
  t.teardown(async () => {
    await remote.close();
    await stopServing();
    port1.close();
    port2.close();
    await store.close().catch(() => undefined);
  });
  return { store, remote };
}

function event(n: number): EventData {
  return { id: randomUUID(), type: 'Thing', data: { n }, metadata: {} };
}

test('a lost race crosses as WrongExpectedVersion (stream, expected, actual); a missing stream as StreamNotFound', async (t) => {
  const { remote } = bridge(t);
  await remote.append('thing-a', [event(0)], 'no_stream');
  const error = await t.throwsAsync(remote.append('thing-a', [event(1)], 'no_stream'));
  t.true(error instanceof WrongExpectedVersion);
  t.like(error as WrongExpectedVersion, { stream: 'thing-a', expected: 'no_stream', actual: 0 });
  const stale = await t.throwsAsync(remote.append('thing-a', [event(2)], 5));
  t.true(stale instanceof WrongExpectedVersion);
  t.like(stale as WrongExpectedVersion, { stream: 'thing-a', expected: 5, actual: 0 });
  const missing = await t.throwsAsync(remote.readStream('thing-none'));
  t.true(missing instanceof StreamNotFound);
});

test('pipelined appends to one stream land in the order issued, each acknowledged once durable', async (t) => {
  const { store, remote } = bridge(t);
  const issued = Array.from({ length: 1500 }, (_, i) =>
    remote.append('thing-p', [event(i)], i === 0 ? 'no_stream' : i - 1).then(async (result) => {
      // acknowledged ⇒ readable from the owner (the embedded store reads only durable records)
      const [last] = await store.readStream('thing-p', { direction: 'backwards', fromRevision: result.nextRevision, maxCount: 1 });
      t.is(last!.revision, i);
      return result;
    }),
  );
  const results = await Promise.all(issued);
  t.deepEqual(results.map((r) => r.nextRevision), Array.from({ length: 1500 }, (_, i) => i));
  const read = await remote.readStream('thing-p');
  t.deepEqual(read.map((e) => (e.data as { n: number }).n), Array.from({ length: 1500 }, (_, i) => i));
});

test('a slow subscriber gets every event in order (credit runs out and comes back), live ones too', async (t) => {
  const { store, remote } = bridge(t);
  for (let i = 0; i < 12_000; i += 1000) await store.append('thing-s', Array.from({ length: 1000 }, (_, j) => event(i + j)), 'any');
  const subscription = remote.subscribeToAll({});
  const seen: number[] = [];
  let live = false;
  for await (const message of subscription as AsyncIterable<SubscriptionMessage>) {
    if (message.kind === 'event') {
      seen.push((message.event.data as { n: number }).n);
      if (seen.length % 997 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      if (seen.length === 15_000) break;
    } else if (message.kind === 'caughtUp' && !live) {
      live = true;
      for (let i = 12_000; i < 15_000; i += 1000) await store.append('thing-s', Array.from({ length: 1000 }, (_, j) => event(i + j)), 'any');
    }
  }
  t.deepEqual(seen, Array.from({ length: 15_000 }, (_, i) => i));
});

test('subscribing to a store that is closed ends the subscription with the store error (no hang, nothing unhandled)', async (t) => {
  const { store, remote } = bridge(t);
  await store.append('thing-c', [event(0)], 'any');
  await store.close();
  const subscription = remote.subscribeToAll({});
  const outcome = await Promise.race([
    (async () => {
      for await (const _ of subscription as AsyncIterable<SubscriptionMessage>) void _;
      return 'ended without error';
    })().catch((error: Error) => error.name),
    new Promise((resolve) => setTimeout(() => resolve('hung'), 2000)),
  ]);
  t.is(outcome, 'StoreClosed');
});

test('appends and reads to a closed store fail with the store error', async (t) => {
  const { store, remote } = bridge(t);
  await store.close();
  const append = await t.throwsAsync(remote.append('thing-x', [event(0)], 'any'));
  t.is(append!.name, 'StoreClosed');
  const read = await t.throwsAsync(remote.readStream('thing-x'));
  t.is(read!.name, 'StoreClosed');
});

test('an error the workflows thread reports keeps its class for a lost race, and its name and message otherwise', (t) => {
  const race = errorFromThread(toWire(new WrongExpectedVersion('order-1', '3', '4')));
  t.true(race instanceof WrongExpectedVersion);
  t.like(race, { stream: 'order-1', expected: '3', actual: '4' });
  t.true(errorFromThread(toWire(new StreamNotFound('position-u1_BTC-PERP'))) instanceof StreamNotFound);
  const other = errorFromThread(toWire(new RangeError('reservation of o1 cut below zero')));
  t.false(other instanceof WrongExpectedVersion);
  t.like(other, { name: 'RangeError', message: 'reservation of o1 cut below zero' });
});
