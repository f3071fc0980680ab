import test from 'ava';
import { createInMemoryStore } from '../../eventstore/embedded/index.js';
import { comparePositions, NO_STREAM, type EventStore } from '../../eventstore/port.js';
import { marketAppendOf } from '../../matching/engine/events.js';
import { InstrumentGrid } from '../../matching/engine/instrument.js';
import { recoverEngine } from '../../matching/engine/recovery.js';
import { FastBook } from '../../matching/book/fast-book.js';
import { makeTempDir } from '../support/tmpdir.js';
import { engineAt } from './support/engines.js';
import { acceptedData, asSource, INSTRUMENT, randomFlow, SYMBOL, take, until } from './support/flow.js';
import { assertMarketMatchesWal, readMarket } from './support/market.js';

async function appendInputs(store: EventStore, events: ReturnType<typeof acceptedData>[]): Promise<void> {
  for (const event of events) {
    const orderId = event.data['orderId'] as string;
    // a cancel goes to the order's existing stream: ANY is fine for test inputs (ids are unique)
    await store.append(`order-${orderId}`, [event], 'any');
  }
}

test('live: inputs from the store are matched, committed and published once each; other symbols are skipped', async (t) => {
  const tmp = await makeTempDir();
  t.teardown(tmp.remove);
  const store = createInMemoryStore();
  t.teardown(() => store.close());
  const engine = engineAt(tmp.dir, { store, snapshotEvery: 200 });
  await engine.start();
  const flow = randomFlow({ seed: 21, idPrefix: 'live' });
  const inputs = take(flow, 600);
  inputs.splice(10, 0, acceptedData({ orderId: 'eth-1', userId: 'u', side: 'BUY', price: '3000', qty: '1', symbol: 'ETH-PERP' }, 10));
  await store.append('user-u', [{ ...acceptedData({ orderId: 'noise', userId: 'u', side: 'BUY', price: '1', qty: '1' }, 0), type: 'UserRegistered' }], NO_STREAM);
  await appendInputs(store, inputs);
  const head = await store.headPosition();
  await until('engine caught up and published', () => comparePositions(engine.processedPosition, head) >= 0 && engine.publishedEntrySeq === engine.lastEntrySeq);
  t.is(engine.lastEntrySeq, 600, 'the ETH order made no entry');
  const hash = engine.stateHash();
  await engine.stop();
  const { events } = await assertMarketMatchesWal(t, store, tmp.dir, hash);
  t.true(events >= 600);
  const market = await readMarket(store);
  t.like(market[0]!.metadata, { walEntrySeq: 1, $causationId: (await store.readStream(`order-${inputs[0]!.data['orderId']}`))[0]!.id });

  // a restart re-reads nothing it committed and publishes nothing twice
  const again = engineAt(tmp.dir, { store, snapshotEvery: 200 });
  const report = await again.start();
  t.is(report.snapshotSeq, 600);
  await until('restarted engine idle', () => comparePositions(again.processedPosition, head) >= 0);
  t.is(again.lastEntrySeq, 600);
  t.is(again.stateHash(), hash);
  await again.stop();
  t.is((await readMarket(store)).length, events);
});

test('outbox: an append that landed but whose answer was lost, and one that failed, are neither lost nor duplicated', async (t) => {
  const tmp = await makeTempDir();
  t.teardown(tmp.remove);
  const inner = createInMemoryStore();
  t.teardown(() => inner.close());
  let marketAppends = 0;
  const faults: EventStore = Object.assign(Object.create(inner) as EventStore, {
    async append(stream: string, events: Parameters<EventStore['append']>[1], expected: Parameters<EventStore['append']>[2]) {
      if (stream.startsWith('market-')) {
        marketAppends += 1;
        if (marketAppends % 7 === 3) throw new Error('connection reset before the append reached the store');
        if (marketAppends % 7 === 5) {
          await inner.append(stream, events, expected);
          throw new Error('connection reset after the append was written');
        }
      }
      return inner.append(stream, events, expected);
    },
  });
  const engine = engineAt(tmp.dir, { store: faults, publisherInFlight: 4 });
  await engine.start();
  await appendInputs(inner, take(randomFlow({ seed: 22, idPrefix: 'fault' }), 300));
  const head = await inner.headPosition();
  await until('published despite faults', () => comparePositions(engine.processedPosition, head) >= 0 && engine.publishedEntrySeq === engine.lastEntrySeq);
  t.is(engine.failure, null);
  t.true(marketAppends > 300, 'faults forced re-appends');
  const hash = engine.stateHash();
  await engine.stop();
  await assertMarketMatchesWal(t, inner, tmp.dir, hash);
});

test('catch-up: committed entries the crash left unpublished are published from the WAL, resuming at the stream head', async (t) => {
  const tmp = await makeTempDir();
  t.teardown(tmp.remove);
  // the WAL is written with no publisher at all: every entry is committed, none published
  const writer = engineAt(tmp.dir);
  await writer.start();
  take(randomFlow({ seed: 23, idPrefix: 'c' }), 400).forEach((e, i) => writer.submit(asSource(e, i + 1)));
  await writer.flush();
  const hash = writer.stateHash();
  await writer.stop();

  // the first 150 entries made it to the stream before the crash
  const store = createInMemoryStore();
  t.teardown(() => store.close());
  const grid = new InstrumentGrid(INSTRUMENT);
  const { collected } = await recoverEngine({ dir: tmp.dir, symbol: SYMBOL, createBook: () => new FastBook(), collectFromSeq: 1, useSnapshots: false });
  for (const entry of collected.slice(0, 150)) {
    await store.append(`market-${SYMBOL}`, marketAppendOf(entry, grid), entry.expectedMarketRevision < 0 ? NO_STREAM : entry.expectedMarketRevision);
  }

  const engine = engineAt(tmp.dir, { store });
  await engine.start();
  await engine.drainPublisher();
  t.is(engine.publishedEntrySeq, 400);
  t.is(engine.stateHash(), hash);
  await engine.stop();
  await assertMarketMatchesWal(t, store, tmp.dir, hash);
});
