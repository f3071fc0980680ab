/**
 * The wire emulator as the real @eventstore/db-client 6.2.1 sees it, on both append paths
 * (BatchAppend advertised or not): error shapes, deletes, subscriptions, concurrency.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type EsdbClientPosition,
  type ResolvedEvent,
} from '../../eventstore/esdb/client.js';
import { StreamDeleted, WrongExpectedVersion } from '../../eventstore/errors.js';
import { NO_STREAM as PORT_NO_STREAM, type SubscriptionMessage } from '../../eventstore/port.js';
import { startEmulatorHarness, type EmulatorHarness } from './support/harness.js';

const STEP_TIMEOUT_MS = 10_000;
const CONCURRENT_WRITERS = Number(process.env.ESDB_TEST_WRITERS ?? 64);

function thing(n = 0) {
  return jsonEvent({ id: randomUUID(), type: 'ThingHappened', data: { n } });
}

function streamName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: nothing within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

async function nextEvent(iterator: AsyncIterator<SubscriptionMessage>): Promise<Extract<SubscriptionMessage, { kind: 'event' }>['event']> {
  for (;;) {
    const result = await within(iterator.next(), 'subscription');
    if (result.done) throw new Error('subscription ended');
    if (result.value.kind === 'event') return result.value.event;
  }
}

for (const batchAppend of [true, false]) {
  const path = batchAppend ? 'BatchAppend' : 'Append';
  let harness: EmulatorHarness;
  let client: EventStoreDBClient;
  const ready = (async () => {
    harness = await startEmulatorHarness({ batchAppend });
    client = EventStoreDBClient.connectionString(harness.emulator.connectionString);
  })();
  test.after.always(async () => {
    await ready;
    // clients go before the server, or the server waits on their calls
    await client.dispose();
    await harness.close();
  });
  const protocolTest = (title: string, body: (t: ExecutionContext) => Promise<void>, serial = false) =>
    (serial ? test.serial : test)(`[${path}] ${title}`, async (t) => {
      await ready;
      await body(t);
    });

  protocolTest('a wrong expected version carries the stream, the expected and the actual revision', async (t) => {
    const stream = streamName('wev');
    await client.appendToStream(stream, [thing(), thing()], { expectedRevision: NO_STREAM });
    const exact = await t.throwsAsync(client.appendToStream(stream, thing(), { expectedRevision: 5n }), { instanceOf: WrongExpectedVersionError });
    t.is(exact.streamName, stream);
    t.is(exact.expectedVersion, 5n);
    t.is(exact.actualVersion, 1n);
    const noStream = await t.throwsAsync(client.appendToStream(stream, thing(), { expectedRevision: NO_STREAM }), { instanceOf: WrongExpectedVersionError });
    t.is(noStream.expectedVersion, 'no_stream');
    t.is(noStream.actualVersion, 1n);
    const missing = await t.throwsAsync(client.appendToStream(streamName('wev'), thing(), { expectedRevision: 0n }), { instanceOf: WrongExpectedVersionError });
    t.is(missing.actualVersion, 'no_stream');
    const exists = await t.throwsAsync(client.appendToStream(streamName('wev'), thing(), { expectedRevision: 'stream_exists' }), { instanceOf: WrongExpectedVersionError });
    t.is(exists.expectedVersion, 'stream_exists');
  });

  protocolTest('re-sending an append with the same ids is idempotent; ANY appends after the tail', async (t) => {
    const stream = streamName('idem');
    const events = [thing(1), thing(2)];
    const first = await client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
    const again = await client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
    t.deepEqual(again, first);
    const any = await client.appendToStream(stream, thing(3), { expectedRevision: ANY });
    t.is(any.nextExpectedRevision, 2n);
  });

  protocolTest('a missing stream is a stream-not-found read message, surfaced as StreamNotFoundError', async (t) => {
    const stream = streamName('missing');
    const error = await t.throwsAsync(async () => {
      for await (const _ of client.readStream(stream)) t.fail('no events expected');
    }, { instanceOf: StreamNotFoundError });
    t.is(error.streamName, stream);
  });

  protocolTest('a tombstoned stream refuses reads, appends and a second delete, with its name', async (t) => {
    const stream = streamName('tomb');
    await client.appendToStream(stream, [thing(), thing()], { expectedRevision: NO_STREAM });
    const wrong = await t.throwsAsync(client.tombstoneStream(stream, { expectedRevision: 7n }), { instanceOf: WrongExpectedVersionError });
    t.is(wrong.streamName, stream);
    t.is(wrong.expectedVersion, 7n);
    t.is(wrong.actualVersion, 1n);
    await client.tombstoneStream(stream, { expectedRevision: 1n });
    const appendError = await t.throwsAsync(client.appendToStream(stream, thing(), { expectedRevision: ANY }), { instanceOf: StreamDeletedError });
    t.is(appendError.streamName, stream);
    const readError = await t.throwsAsync(async () => {
      for await (const _ of client.readStream(stream)) t.fail('no events expected');
    }, { instanceOf: StreamDeletedError });
    t.is(readError.streamName, stream);
    await t.throwsAsync(client.deleteStream(stream), { instanceOf: StreamDeletedError });

    const adapter = harness.connect();
    const translated = await t.throwsAsync(adapter.append(stream, [{ id: randomUUID(), type: 'ThingHappened', data: {}, metadata: {} }], 1), { instanceOf: StreamDeleted });
    t.is(translated.stream, stream);
    await t.throwsAsync(adapter.readStream(stream), { instanceOf: StreamDeleted });
    await adapter.close();
  });

  protocolTest('a soft-deleted stream reads as missing and is re-created with revisions continuing', async (t) => {
    const stream = streamName('soft');
    await client.appendToStream(stream, [thing(0), thing(1)], { expectedRevision: NO_STREAM });
    await client.deleteStream(stream, { expectedRevision: 1n });
    await t.throwsAsync(async () => {
      for await (const _ of client.readStream(stream)) t.fail('no events expected');
    }, { instanceOf: StreamNotFoundError });
    const recreated = await client.appendToStream(stream, thing(2), { expectedRevision: NO_STREAM });
    t.is(recreated.nextExpectedRevision, 2n);
    const revisions: bigint[] = [];
    for await (const resolved of client.readStream(stream)) revisions.push(resolved.event!.revision);
    t.deepEqual(revisions, [2n]);
  });

  protocolTest('$all reads forwards from a position inclusively and backwards exclusively', async (t) => {
    const stream = streamName('allpos');
    await client.appendToStream(stream, [thing(0), thing(1), thing(2)], { expectedRevision: NO_STREAM });
    const mine: ResolvedEvent[] = [];
    for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 50 })) {
      if (resolved.event?.streamId === stream) mine.unshift(resolved);
    }
    t.deepEqual(mine.map((r) => r.event!.revision), [0n, 1n, 2n]);
    const middle = mine[1]!.event!.position!;
    t.is(middle.commit, middle.prepare);
    const forwards: bigint[] = [];
    for await (const resolved of client.readAll({ fromPosition: middle, maxCount: 2 })) forwards.push(resolved.event!.revision);
    t.deepEqual(forwards, [1n, 2n]);
    const backwards: bigint[] = [];
    for await (const resolved of client.readAll({ fromPosition: middle, direction: BACKWARDS, maxCount: 1 })) backwards.push(resolved.event!.revision);
    t.deepEqual(backwards, [0n]);
  });

  protocolTest('a raw filtered subscription gets confirmation, matching events, checkpoints and caughtUp', async (t) => {
    const prefix = `raw${randomUUID().slice(0, 8)}`;
    await client.appendToStream(`${prefix}-a`, [thing(1)], { expectedRevision: NO_STREAM });
    await client.appendToStream(`other${prefix}-b`, [thing(2), thing(3)], { expectedRevision: NO_STREAM });
    const checkpoints: EsdbClientPosition[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({ prefixes: [`${prefix}-`], maxSearchWindow: 1, checkpointReached: (_s, position) => void checkpoints.push(position) }),
    });
    const errors: unknown[] = [];
    subscription.on('error', (error: unknown) => errors.push(error));
    const caughtUp = new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));
    const got: string[] = [];
    subscription.on('data', (resolved: ResolvedEvent) => got.push(resolved.event!.streamId));
    await within(caughtUp, 'caughtUp');
    await until(() => got.length === 1, 'the matching event');
    t.deepEqual(got, [`${prefix}-a`]);
    t.true(checkpoints.length > 0);
    const typed = client.subscribeToAll({ fromPosition: START, filter: eventTypeFilter({ regex: `^${prefix}Typed$` }) });
    typed.on('error', (error: unknown) => errors.push(error));
    await client.appendToStream(`${prefix}-c`, [jsonEvent({ type: `${prefix}Typed`, data: {} }), thing(4)], { expectedRevision: NO_STREAM });
    const typedGot: string[] = [];
    typed.on('data', (resolved: ResolvedEvent) => typedGot.push(resolved.event!.type));
    await until(() => typedGot.length === 1 && got.length === 3, 'live events of both subscriptions');
    t.deepEqual(typedGot, [`${prefix}Typed`]);
    t.deepEqual(errors, []);
    await subscription.unsubscribe();
    await typed.unsubscribe();
  });

  protocolTest('a dropped subscription resubscribes from its last position: no gap, no duplicate', async (t) => {
    const adapter = harness.connect({ resubscribe: { initialDelayMs: 10, maxDelayMs: 100 } });
    const prefix = `drop${randomUUID().slice(0, 8)}-`;
    const stream = `${prefix}x`;
    await adapter.append(stream, [0, 1, 2].map((n) => ({ id: randomUUID(), type: 'ThingHappened', data: { n }, metadata: {} })), PORT_NO_STREAM);
    const subscription = adapter.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) seen.push((await nextEvent(iterator)).revision);
    const before = harness.emulator.activeSubscriptions;
    harness.emulator.dropSubscriptions();
    await adapter.append(stream, [3, 4].map((n) => ({ id: randomUUID(), type: 'ThingHappened', data: { n }, metadata: {} })), 2);
    for (let i = 0; i < 2; i++) seen.push((await nextEvent(iterator)).revision);
    t.deepEqual(seen, [0, 1, 2, 3, 4]);
    await until(() => harness.emulator.activeSubscriptions >= before, 'the resubscription');
    await subscription.close();
    await adapter.close();
    // serial: dropping affects every subscription of this emulator
  }, true);

  protocolTest('a subscription idle for longer than the keep-alive interval keeps delivering', async (t) => {
    const keepAliveMs = 200;
    const adapter = harness.connect({}, `&keepAliveInterval=${keepAliveMs}&keepAliveTimeout=${keepAliveMs * 5}`);
    const prefix = `idle${randomUUID().slice(0, 8)}-`;
    const subscription = adapter.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    await adapter.append(`${prefix}a`, [{ id: randomUUID(), type: 'ThingHappened', data: {}, metadata: {} }], PORT_NO_STREAM);
    t.is((await nextEvent(iterator)).revision, 0);
    // the idle time is the subject of this test: several keep-alive pings pass with no traffic
    await delay(keepAliveMs * 6);
    await adapter.append(`${prefix}a`, [{ id: randomUUID(), type: 'ThingHappened', data: {}, metadata: {} }], 0);
    t.is((await nextEvent(iterator)).revision, 1);
    await subscription.close();
    await adapter.close();
    // serial: its adapter has a client of its own (other connection string), and disposing a
    // 6.2.1 client rejects every client's pending BatchAppend results (docs/esdb-emulator.md)
  }, true);

  protocolTest(`${CONCURRENT_WRITERS} concurrent appenders: every append lands once, and a subscriber sees them all in order`, async (t) => {
    const adapter = harness.connect();
    const prefix = `many${randomUUID().slice(0, 8)}-`;
    const appendsPerWriter = Number(process.env.ESDB_TEST_APPENDS_PER_WRITER ?? 3);
    const subscription = adapter.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const contended = `${prefix}shared`;
    let conflicts = 0;
    await Promise.all(
      Array.from({ length: CONCURRENT_WRITERS }, async (_, w) => {
        for (let a = 0; a < appendsPerWriter; a++) {
          await adapter.append(`${prefix}w${w}`, [{ id: randomUUID(), type: 'ThingHappened', data: { w, a }, metadata: {} }], a === 0 ? PORT_NO_STREAM : a - 1);
          // and everyone also races for one shared stream with a read-then-append
          const [last] = await adapter.readStream(contended, { direction: 'backwards', maxCount: 1 }).catch(() => []);
          try {
            await adapter.append(contended, [{ id: randomUUID(), type: 'ThingHappened', data: { w, a }, metadata: {} }], last ? last.revision : PORT_NO_STREAM);
          } catch (error) {
            if (!(error instanceof WrongExpectedVersion)) throw error;
            conflicts += 1;
          }
        }
      }),
    );
    const sharedEvents = await adapter.readStream(contended);
    t.deepEqual(sharedEvents.map((e) => e.revision), sharedEvents.map((_, i) => i));
    t.is(sharedEvents.length + conflicts, CONCURRENT_WRITERS * appendsPerWriter);
    const expectedTotal = CONCURRENT_WRITERS * appendsPerWriter + sharedEvents.length;
    const delivered: string[] = [];
    while (delivered.length < expectedTotal) delivered.push((await nextEvent(iterator)).position);
    for (let i = 1; i < delivered.length; i++) t.true(BigInt(delivered[i - 1]!) < BigInt(delivered[i]!));
    for (let w = 0; w < CONCURRENT_WRITERS; w++) t.is((await adapter.readStream(`${prefix}w${w}`)).length, appendsPerWriter);
    await subscription.close();
    await adapter.close();
  });
}
