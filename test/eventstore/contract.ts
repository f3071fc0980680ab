/**
 * The EventStore port's contract suite (DESIGN §3.2): every adapter runs these same tests.
 *
 * `makeStore` must return the store exactly as the application uses it, i.e. wrapped with
 * `withValidation` (eventstore/validating.ts), because stream-name and payload checks live above
 * the adapters. The suite never assumes an empty log (EventStoreDB writes system events): every
 * test works in its own stream prefix and reads `$all` through a prefix filter. Positions are
 * only compared, never asserted to be specific numbers.
 */
import { randomUUID } from 'node:crypto';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  ANY,
  NO_STREAM,
  START_POSITION,
  comparePositions,
  type EventData,
  type EventStore,
  type RecordedEvent,
  type SubscriptionMessage,
} from '../../eventstore/port.js';
import { EventTooLarge, InvalidEventData, InvalidStreamName, StreamNotFound, WrongExpectedVersion } from '../../eventstore/errors.js';

export interface ContractStore {
  store: EventStore;
  cleanup(): Promise<void>;
}

export type MakeStore = () => Promise<ContractStore>;

const RUN = randomUUID().replace(/-/g, '').slice(0, 10);
let prefixCounter = 0;

/** A stream prefix no other test (or earlier run against a shared server) uses. */
function uniquePrefix(): string {
  prefixCounter += 1;
  return `contract-${RUN}t${prefixCounter}_`;
}

function event(type: string, data: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): EventData {
  return { id: randomUUID(), type, data, metadata };
}

function events(count: number, type = 'ThingHappened'): EventData[] {
  return Array.from({ length: count }, (_, i) => event(type, { i }));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function readPrefix(store: EventStore, prefix: string): Promise<RecordedEvent[]> {
  return collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
}

const STEP_TIMEOUT_MS = 10_000;

/** Next message of a subscription, failing (instead of hanging) after a bound. */
async function nextMessage(iterator: AsyncIterator<SubscriptionMessage>): Promise<SubscriptionMessage> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no subscription message within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    if (result.done) throw new Error('subscription ended unexpectedly');
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

/** Reads messages until `count` events arrived; returns the events and every message seen. */
async function takeEvents(iterator: AsyncIterator<SubscriptionMessage>, count: number): Promise<{ events: RecordedEvent[]; messages: SubscriptionMessage[] }> {
  const got: RecordedEvent[] = [];
  const messages: SubscriptionMessage[] = [];
  while (got.length < count) {
    const message = await nextMessage(iterator);
    messages.push(message);
    if (message.kind === 'event') got.push(message.event);
  }
  return { events: got, messages };
}

function assertWrongExpectedVersion(t: ExecutionContext, error: unknown, stream: string, expected: string | number, actual: string | number): void {
  t.true(error instanceof WrongExpectedVersion, `expected WrongExpectedVersion, got ${String(error)}`);
  const wev = error as WrongExpectedVersion;
  t.is(wev.stream, stream);
  t.is(wev.expected, expected);
  t.is(wev.actual, actual);
}

function assertStrictlyIncreasing(t: ExecutionContext, positions: string[]): void {
  for (let i = 1; i < positions.length; i++) {
    t.true(comparePositions(positions[i - 1]!, positions[i]!) < 0, `positions not increasing at ${i}: ${positions[i - 1]} then ${positions[i]}`);
  }
}

export function runEventStoreContract(name: string, makeStore: MakeStore): void {
  const withStore = (title: string, body: (t: ExecutionContext, store: EventStore, prefix: string) => Promise<void>) => {
    test(`${name}: ${title}`, async (t) => {
      const { store, cleanup } = await makeStore();
      try {
        await body(t, store, uniquePrefix());
      } finally {
        await cleanup();
      }
    });
  };

  // ---- append: expected revision semantics -------------------------------------------------

  withStore('append with NO_STREAM creates the stream; events read back unchanged', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const input = [event('ThingCreated', { name: 'x', nested: { list: [1, 'two', null, true] } }, { $correlationId: 'c-1', occurredAt: '2024-01-02T03:04:05.000Z' }), event('ThingRenamed', { name: 'y' })];
    const result = await store.append(stream, input, NO_STREAM);
    t.is(result.nextRevision, 1);
    t.true(comparePositions(result.position, START_POSITION) > 0);

    const read = await store.readStream(stream);
    t.deepEqual(read.map((e) => [e.id, e.type, e.stream, e.revision, e.data, e.metadata.$correlationId]), [
      [input[0]!.id, 'ThingCreated', stream, 0, input[0]!.data, 'c-1'],
      [input[1]!.id, 'ThingRenamed', stream, 1, input[1]!.data, undefined],
    ]);
    t.is(read[0]!.metadata.occurredAt, '2024-01-02T03:04:05.000Z');
    t.is(read[1]!.position, result.position);
    assertStrictlyIncreasing(t, read.map((e) => e.position));
    for (const e of read) t.false(Number.isNaN(Date.parse(e.created)), `created is ISO: ${e.created}`);
    t.true(read[0]!.created <= read[1]!.created);
  });

  withStore('NO_STREAM on an existing stream is a WrongExpectedVersion naming the current revision', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    await store.append(stream, events(3), NO_STREAM);
    const error = await t.throwsAsync(store.append(stream, events(1), NO_STREAM));
    assertWrongExpectedVersion(t, error, stream, NO_STREAM, 2);
    t.is((await store.readStream(stream)).length, 3);
  });

  withStore('an exact revision on a missing stream is a WrongExpectedVersion with actual no_stream', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const error = await t.throwsAsync(store.append(stream, events(1), 0));
    assertWrongExpectedVersion(t, error, stream, 0, NO_STREAM);
    await t.throwsAsync(store.readStream(stream), { instanceOf: StreamNotFound });
  });

  withStore('an exact revision appends when it matches and conflicts when it does not', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    await store.append(stream, events(2), NO_STREAM);
    const ok = await store.append(stream, events(3), 1);
    t.is(ok.nextRevision, 4);
    const behind = await t.throwsAsync(store.append(stream, events(1), 3));
    assertWrongExpectedVersion(t, behind, stream, 3, 4);
    const ahead = await t.throwsAsync(store.append(stream, events(1), 7));
    assertWrongExpectedVersion(t, ahead, stream, 7, 4);
    t.deepEqual((await store.readStream(stream)).map((e) => e.revision), [0, 1, 2, 3, 4]);
  });

  withStore('ANY appends to a new and to an existing stream', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const first = await store.append(stream, events(2), ANY);
    t.is(first.nextRevision, 1);
    const second = await store.append(stream, events(1), ANY);
    t.is(second.nextRevision, 2);
    t.true(comparePositions(first.position, second.position) < 0);
  });

  withStore('concurrent appends at the same expected revision: exactly one wins per revision', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    await store.append(stream, events(1), NO_STREAM);
    const writers = 8;
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const expected = round;
      const outcomes = await Promise.allSettled(Array.from({ length: writers }, () => store.append(stream, events(1), expected)));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      t.is(won.length, 1, `round ${round}`);
      for (const o of lost) t.true(o.reason instanceof WrongExpectedVersion, String(o.reason));
    }
    t.deepEqual((await store.readStream(stream)).map((e) => e.revision), [0, 1, 2, 3, 4, 5]);
  });

  withStore('concurrent NO_STREAM appends: exactly one creates the stream', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => store.append(stream, events(2), NO_STREAM)));
    t.is(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    t.is((await store.readStream(stream)).length, 2);
  });

  // ---- idempotency (DESIGN §3.3) -----------------------------------------------------------

  withStore('re-appending the same ids at the same expected revision returns the original result and writes nothing', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const batch1 = events(2);
    const batch2 = events(3);
    const first = await store.append(stream, batch1, NO_STREAM);
    const second = await store.append(stream, batch2, 1);
    await store.append(stream, events(1), 4);

    t.deepEqual(await store.append(stream, batch1, NO_STREAM), first);
    t.deepEqual(await store.append(stream, batch2, 1), second);
    t.deepEqual(await store.append(stream, batch2.slice(0, 1), 1), { nextRevision: 2, position: (await store.readStream(stream, { fromRevision: 2, maxCount: 1 }))[0]!.position });
    t.is((await store.readStream(stream)).length, 6);
    t.is((await readPrefix(store, prefix)).length, 6);
  });

  withStore('a partial id match is a WrongExpectedVersion and writes nothing', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const stored = events(2);
    await store.append(stream, stored, NO_STREAM);
    const mixed = await t.throwsAsync(store.append(stream, [stored[0]!, event('Other')], NO_STREAM));
    t.true(mixed instanceof WrongExpectedVersion);
    const longer = await t.throwsAsync(store.append(stream, [...stored, event('Other')], NO_STREAM));
    t.true(longer instanceof WrongExpectedVersion);
    const shifted = await t.throwsAsync(store.append(stream, [stored[1]!], NO_STREAM));
    t.true(shifted instanceof WrongExpectedVersion);
    t.deepEqual((await store.readStream(stream)).map((e) => e.id), stored.map((e) => e.id));
  });

  withStore('concurrent identical appends: one write, every caller gets the same result', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    await store.append(stream, events(1), NO_STREAM);
    const batch = events(2);
    const results = await Promise.all(Array.from({ length: 5 }, () => store.append(stream, batch, 0)));
    for (const r of results) t.deepEqual(r, results[0]);
    t.is((await store.readStream(stream)).length, 3);
  });

  // ---- readStream ----------------------------------------------------------------------------

  withStore('readStream forwards, backwards, from a revision, with a max count', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    await store.append(stream, events(10), NO_STREAM);
    const revisions = async (options: Parameters<EventStore['readStream']>[1]) => (await store.readStream(stream, options)).map((e) => e.revision);

    t.deepEqual(await revisions(undefined), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    t.deepEqual(await revisions({ fromRevision: 7 }), [7, 8, 9]);
    t.deepEqual(await revisions({ fromRevision: 2, maxCount: 3 }), [2, 3, 4]);
    t.deepEqual(await revisions({ fromRevision: 'start', maxCount: 2 }), [0, 1]);
    t.deepEqual(await revisions({ direction: 'backwards' }), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    t.deepEqual(await revisions({ direction: 'backwards', maxCount: 1 }), [9]);
    t.deepEqual(await revisions({ direction: 'backwards', fromRevision: 'end', maxCount: 2 }), [9, 8]);
    t.deepEqual(await revisions({ direction: 'backwards', fromRevision: 3 }), [3, 2, 1, 0]);
    t.deepEqual(await revisions({ fromRevision: 10 }), []);
    t.deepEqual(await revisions({ direction: 'backwards', fromRevision: 20, maxCount: 2 }), [9, 8]);
  });

  withStore('readStream of a missing stream throws StreamNotFound', async (t, store, prefix) => {
    const error = await t.throwsAsync(store.readStream(`${prefix}missing`), { instanceOf: StreamNotFound });
    t.is((error as StreamNotFound).stream, `${prefix}missing`);
  });

  // ---- $all ------------------------------------------------------------------------------------

  withStore('$all is in commit order across streams, with strictly increasing positions', async (t, store, prefix) => {
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const stream = `${prefix}${i % 2 === 0 ? 'even' : 'odd'}`;
      const batch = events(2);
      await store.append(stream, batch, ANY);
      order.push(...batch.map((e) => e.id));
    }
    const all = await readPrefix(store, prefix);
    t.deepEqual(all.map((e) => e.id), order);
    assertStrictlyIncreasing(t, all.map((e) => e.position));
    for (let i = 1; i < all.length; i++) t.true(all[i - 1]!.created <= all[i]!.created);

    const backwards = await collect(store.readAll({ direction: 'backwards', fromPosition: 'end', filter: { streamPrefixes: [prefix] } }));
    t.deepEqual(backwards.map((e) => e.id), [...order].reverse());
    const head = await store.headPosition();
    t.true(comparePositions(head, all.at(-1)!.position) >= 0);
  });

  withStore('$all from a position is exclusive, in both directions, and honours maxCount', async (t, store, prefix) => {
    await store.append(`${prefix}a`, events(5), NO_STREAM);
    const all = await readPrefix(store, prefix);
    const after = await collect(store.readAll({ fromPosition: all[1]!.position, filter: { streamPrefixes: [prefix] } }));
    t.deepEqual(after.map((e) => e.revision), [2, 3, 4]);
    const before = await collect(store.readAll({ fromPosition: all[3]!.position, direction: 'backwards', filter: { streamPrefixes: [prefix] } }));
    t.deepEqual(before.map((e) => e.revision), [2, 1, 0]);
    const limited = await collect(store.readAll({ fromPosition: all[0]!.position, maxCount: 2, filter: { streamPrefixes: [prefix] } }));
    t.deepEqual(limited.map((e) => e.revision), [1, 2]);
    const none = await collect(store.readAll({ fromPosition: all[4]!.position, filter: { streamPrefixes: [prefix] } }));
    t.deepEqual(none, []);
  });

  withStore('$all filters by stream prefix and by event type', async (t, store, prefix) => {
    await store.append(`${prefix}x1`, [event('Kept', { n: 1 }), event('Dropped')], NO_STREAM);
    await store.append(`${prefix}y1`, [event('Kept', { n: 2 })], NO_STREAM);
    await store.append(`${prefix}x2`, [event('Kept', { n: 3 })], NO_STREAM);
    const byPrefix = await collect(store.readAll({ filter: { streamPrefixes: [`${prefix}x`] } }));
    t.deepEqual(byPrefix.map((e) => e.type), ['Kept', 'Dropped', 'Kept']);
    const byBoth = await collect(store.readAll({ filter: { streamPrefixes: [`${prefix}x`, `${prefix}y`], eventTypes: ['Kept'] } }));
    t.deepEqual(byBoth.map((e) => e.data.n), [1, 2, 3]);
  });

  withStore('headPosition moves forward with every append', async (t, store, prefix) => {
    const before = await store.headPosition();
    const result = await store.append(`${prefix}a`, events(1), NO_STREAM);
    const after = await store.headPosition();
    t.true(comparePositions(before, result.position) < 0);
    t.true(comparePositions(after, result.position) >= 0);
  });

  // ---- subscriptions -------------------------------------------------------------------------

  withStore('a subscription delivers every event exactly once, in order, across catch-up and live', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const initial = 25;
    const live = 25;
    await store.append(stream, events(initial), NO_STREAM);
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      const caughtUpSeen: SubscriptionMessage[] = [];
      const first = await takeEvents(iterator, initial);
      caughtUpSeen.push(...first.messages.filter((m) => m.kind === 'caughtUp'));
      // Appends race with the switch to live: one at a time, each as its own commit.
      const writer = (async () => {
        for (let i = 0; i < live; i++) await store.append(stream, events(1), initial - 1 + i);
      })();
      const second = await takeEvents(iterator, live);
      await writer;
      caughtUpSeen.push(...second.messages.filter((m) => m.kind === 'caughtUp'));
      const delivered = [...first.events, ...second.events];
      t.deepEqual(delivered.map((e) => e.revision), Array.from({ length: initial + live }, (_, i) => i));
      assertStrictlyIncreasing(t, delivered.map((e) => e.position));
      t.true(caughtUpSeen.length <= 1, 'caughtUp at most once');
      const all = await readPrefix(store, prefix);
      t.deepEqual(delivered.map((e) => e.id), all.map((e) => e.id));
    } finally {
      await subscription.close();
    }
  });

  withStore('a subscription announces caughtUp once it has delivered the history', async (t, store, prefix) => {
    await store.append(`${prefix}a`, events(3), NO_STREAM);
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      const seen: SubscriptionMessage[] = [];
      let message: SubscriptionMessage;
      do {
        message = await nextMessage(iterator);
        seen.push(message);
      } while (message.kind !== 'caughtUp');
      const delivered = seen.filter((m): m is Extract<SubscriptionMessage, { kind: 'event' }> => m.kind === 'event').map((m) => m.event);
      t.deepEqual(delivered.map((e) => e.revision), [0, 1, 2]);
      t.true(comparePositions(message.position, delivered.at(-1)!.position) >= 0);
    } finally {
      await subscription.close();
    }
  });

  withStore('subscriptions honour stream-prefix and event-type filters', async (t, store, prefix) => {
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${prefix}keep`], eventTypes: ['Wanted'] } });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      await store.append(`${prefix}keep1`, [event('Wanted', { n: 1 }), event('Unwanted', { n: 2 })], NO_STREAM);
      await store.append(`${prefix}skip1`, [event('Wanted', { n: 3 })], NO_STREAM);
      await store.append(`${prefix}keep2`, [event('Wanted', { n: 4 })], NO_STREAM);
      const { events: got } = await takeEvents(iterator, 2);
      t.deepEqual(got.map((e) => e.data.n), [1, 4]);
    } finally {
      await subscription.close();
    }
  });

  withStore('a filtered subscription reports progress past events it does not deliver', async (t, store, prefix) => {
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${prefix}keep`] } });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      await store.append(`${prefix}keep1`, events(1), NO_STREAM);
      await takeEvents(iterator, 1);
      const skipped = await store.append(`${prefix}skip1`, events(3), NO_STREAM);
      let reached = false;
      while (!reached) {
        const message = await nextMessage(iterator);
        t.not(message.kind, 'event');
        if (message.kind !== 'event') reached = comparePositions(message.position, skipped.position) >= 0;
      }
      t.true(reached);
    } finally {
      await subscription.close();
    }
  });

  withStore('a subscription resumes from a checkpoint without gaps or duplicates', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    await store.append(stream, events(10), NO_STREAM);
    const first = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const firstIterator = first[Symbol.asyncIterator]();
    const { events: head } = await takeEvents(firstIterator, 4);
    await first.close();
    const checkpoint = head.at(-1)!.position;

    await store.append(stream, events(5), 9);
    const resumed = store.subscribeToAll({ fromPosition: checkpoint, filter: { streamPrefixes: [prefix] } });
    try {
      const { events: rest } = await takeEvents(resumed[Symbol.asyncIterator](), 11);
      t.deepEqual([...head, ...rest].map((e) => e.revision), Array.from({ length: 15 }, (_, i) => i));
    } finally {
      await resumed.close();
    }
  });

  withStore('close() ends the iteration of a subscription', async (t, store, prefix) => {
    await store.append(`${prefix}a`, events(2), NO_STREAM);
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const received: RecordedEvent[] = [];
    const consumer = (async () => {
      for await (const message of subscription) {
        if (message.kind === 'event') received.push(message.event);
        if (received.length === 2) await subscription.close();
      }
    })();
    await consumer;
    t.is(received.length, 2);
  });

  withStore('a subscription keeps up with a burst larger than any buffer', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    try {
      // go live first, so the burst arrives as live commits rather than as history
      t.is((await nextMessage(iterator)).kind, 'caughtUp');
      const total = 5000;
      // one commit per append while nobody reads: the subscription must bound what it buffers
      for (let i = 0; i < total / 100; i++) await store.append(stream, events(100), i === 0 ? NO_STREAM : i * 100 - 1);
      const { events: got } = await takeEvents(iterator, total);
      t.deepEqual(got.map((e) => e.revision), Array.from({ length: total }, (_, i) => i));
    } finally {
      await subscription.close();
    }
  });

  // ---- bad input: typed errors, store unchanged ------------------------------------------------

  withStore('invalid stream names are rejected with InvalidStreamName', async (t, store, prefix) => {
    for (const bad of ['', 'nodash', 'Upper-case', '-id', 'has space-x', `${prefix}bad name`, `cat-${'x'.repeat(300)}`]) {
      await t.throwsAsync(store.append(bad, events(1), ANY), { instanceOf: InvalidStreamName }, JSON.stringify(bad));
    }
    await t.throwsAsync(store.readStream('no dash'), { instanceOf: InvalidStreamName });
  });

  withStore('payloads that are not plain JSON objects are rejected with InvalidEventData', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: unknown[] = [
      [1, 2],
      'text',
      null,
      { when: new Date(0) },
      { big: 10n },
      { fn: () => 1 },
      { nan: Number.NaN },
      { inf: Number.POSITIVE_INFINITY },
      cyclic,
    ];
    for (const data of bad) {
      await t.throwsAsync(store.append(stream, [{ id: randomUUID(), type: 'Bad', data: data as Record<string, unknown>, metadata: {} }], ANY), { instanceOf: InvalidEventData });
    }
    await t.throwsAsync(store.append(stream, [{ id: 'not-a-uuid', type: 'Bad', data: {}, metadata: {} }], ANY), { instanceOf: InvalidEventData });
    await t.throwsAsync(store.append(stream, [{ id: randomUUID(), type: '', data: {}, metadata: {} }], ANY), { instanceOf: InvalidEventData });
    await t.throwsAsync(store.append(stream, [{ id: randomUUID(), type: 'Bad', data: {}, metadata: { fn: () => 1 } as never }], ANY), { instanceOf: InvalidEventData });
    await t.throwsAsync(store.append(stream, [], ANY), { instanceOf: InvalidEventData });
    // one bad event in a batch rejects the whole batch
    await t.throwsAsync(store.append(stream, [event('Good'), { id: randomUUID(), type: 'Bad', data: { big: 1n } as never, metadata: {} }], ANY), { instanceOf: InvalidEventData });
    await t.throwsAsync(store.readStream(stream), { instanceOf: StreamNotFound });
  });

  withStore('an oversized event is rejected with EventTooLarge', async (t, store, prefix) => {
    const stream = `${prefix}a`;
    const error = await t.throwsAsync(store.append(stream, [event('Huge', { blob: 'x'.repeat(2 * 1024 * 1024) })], NO_STREAM), { instanceOf: EventTooLarge });
    t.true((error as EventTooLarge).sizeBytes > (error as EventTooLarge).maxBytes);
    await t.throwsAsync(store.readStream(stream), { instanceOf: StreamNotFound });
    const ok = await store.append(stream, [event('Fine', { blob: 'x'.repeat(1000) })], NO_STREAM);
    t.is(ok.nextRevision, 0);
  });
}
