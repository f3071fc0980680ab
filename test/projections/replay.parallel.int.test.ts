import test, { type ExecutionContext } from 'ava';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embeddedLogDir, openEmbeddedStore, type EmbeddedEventStore } from '../../eventstore/embedded/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { foldLog, type FoldOptions, type FoldResult } from '../../scripts/replay/fold.js';
import { stateHash } from '../../scripts/replay/hash.js';
import { startAuditWorker } from '../../scripts/replay/parallel.js';
import { MemoryReadStore } from '../../projections/store/memory.js';
import { LogBuilder, randomScenario } from '../support/logBuilder.js';

/*
 * The fold of a log on disk runs in two threads (the audit and some projections in a worker,
 * each thread reading the files itself) — by default only from PARALLEL_MIN_BYTES of log, so
 * these small logs ask for it; any other store, or `parallel: false`, folds in one.
 * Both must give the same result, to the byte: models, hash, violations (ids and order),
 * balances, positions, counts.
 */

async function tempStore(t: ExecutionContext, segmentBytes?: number): Promise<EmbeddedEventStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'oec-replay-parallel-'));
  const store = await openEmbeddedStore({ dir: path.join(dir, 'events'), ...(segmentBytes ? { segmentBytes } : {}) });
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

function assertSame(t: ExecutionContext, parallel: FoldResult, single: FoldResult): void {
  t.is(parallel.stateHash, single.stateHash);
  t.deepEqual(parallel.models, single.models);
  // the hash is read from the store in place: it must be the hash of the models as exported
  t.is(single.stateHash, stateHash(single.models));
  t.is(parallel.stateHash, stateHash(parallel.models));
  t.deepEqual(parallel.violations, single.violations);
  t.deepEqual(parallel.ledgerBalances.rows(), single.ledgerBalances.rows());
  t.deepEqual(parallel.ledgerBalances.assets(), single.ledgerBalances.assets());
  for (const asset of single.ledgerBalances.assets()) t.true(parallel.ledgerBalances.userFunds(asset).equals(single.ledgerBalances.userFunds(asset)));
  t.deepEqual(parallel.positions, single.positions);
  t.deepEqual(parallel.marks, single.marks);
  t.deepEqual(parallel.counts, single.counts);
  t.deepEqual(parallel.pending, single.pending);
  t.deepEqual(
    { position: parallel.position, quiescentPosition: parallel.quiescentPosition, quiescentAtEnd: parallel.quiescentAtEnd, requestedPosition: parallel.requestedPosition },
    { position: single.position, quiescentPosition: single.quiescentPosition, quiescentAtEnd: single.quiescentAtEnd, requestedPosition: single.requestedPosition },
  );
}

async function foldBoth(t: ExecutionContext, store: EmbeddedEventStore, options: FoldOptions = {}): Promise<FoldResult> {
  t.truthy(embeddedLogDir(store), 'a store on disk: its fold is the parallel one');
  const single = await foldLog(store, { ...options, parallel: false });
  const parallel = await foldLog(store, { ...options, parallel: true });
  assertSame(t, parallel, single);
  return parallel;
}

async function events(store: EmbeddedEventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

test('a long random session over many segments: the parallel fold equals the one-thread fold, also at an earlier position', async (t) => {
  // thousands of events: several flushes (every 2,000 events), many segments, reads cut across frames
  const builder = randomScenario({ seed: 11, steps: 450, users: 8 });
  const store = await tempStore(t, 256 * 1024);
  await builder.writeTo(store);
  const whole = await foldBoth(t, store);
  t.true(whole.counts.events > 4000);
  t.true((await readdir(embeddedLogDir(store)!)).length > 4);
  t.deepEqual(whole.violations, []);
  t.true(whole.quiescentAtEnd);
  t.true(whole.positions.length > 0);
  const all = await events(store);
  const mid = all[Math.floor(all.length * 0.6)]!.position;
  const atMid = await foldBoth(t, store, { to: mid });
  t.true(atMid.counts.events < whole.counts.events);
  t.is(atMid.requestedPosition, mid);
  // before the first event: nothing is folded, in both
  const none = await foldBoth(t, store, { to: '0' });
  t.is(none.counts.events, 0);
});

test('an empty log on disk folds to nothing in both', async (t) => {
  const store = await tempStore(t);
  const result = await foldBoth(t, store);
  t.is(result.counts.events, 0);
  t.is(result.position, '0');
});

/** the clean history of the tamper tests (replay.tamper.int.test.ts), on disk */
async function cleanLog(t: ExecutionContext): Promise<{ store: EmbeddedEventStore; events: RecordedEvent[]; builder: LogBuilder }> {
  const b = new LogBuilder().listInstrument().registerUser('alice').registerUser('bob').deposit('alice', '1000').deposit('bob', '1000').setMark('50000');
  const maker = b.place({ userId: 'alice', side: 'SELL', qty: '4', price: '50000' });
  const taker = b.place({ userId: 'bob', side: 'BUY', qty: '3', price: '50000' }, { rest: false });
  b.take(taker.orderId, [{ orderId: maker.orderId, qty: '3' }]);
  b.cancel(maker.orderId);
  const store = await tempStore(t);
  await b.writeTo(store);
  return { store, events: await events(store), builder: b };
}

function forgedDeposit(id: string, txId: string) {
  return {
    id, type: 'FundsDeposited',
    data: { userId: 'alice', asset: 'USDT', amount: '5', txId, lines: [
      { book: 'USER', account: 'wallet.available', asset: 'USDT', direction: 'DEBIT', amount: '5' },
      { book: 'USER', account: 'equity.capital', asset: 'USDT', direction: 'CREDIT', amount: '5' },
      { book: 'PLATFORM', account: 'custody.wallet', asset: 'USDT', direction: 'DEBIT', amount: '5' },
    ] },
    metadata: { idempotencyKey: txId, occurredAt: '2024-02-01T00:00:00.000Z', $causationId: `forged ${txId}` },
  };
}

test('tampered: violations found by both threads come in event order, with the same event ids', async (t) => {
  const { store, events: logged } = await cleanLog(t);
  const revision = logged.filter((e) => e.stream === 'account-alice').length - 1;
  const first = '00000000-0000-4000-8000-000000000001';
  const bogus = '00000000-0000-4000-8000-000000000002';
  const second = '00000000-0000-4000-8000-000000000003';
  // unbalanced (the audit and the ledger projection: worker), an end of an unknown order (the
  // orders projection: this thread), unbalanced again (the audit: worker)
  await store.append('account-alice', [forgedDeposit(first, 'tx-forged-1')], revision);
  await store.append('order-bogus', [{ id: bogus, type: 'OrderCancelled', data: { orderId: 'bogus', userId: 'alice', reason: 'USER' }, metadata: { occurredAt: '2024-02-01T00:00:00.000Z', $causationId: 'forged' } }], 'no_stream');
  await store.append('account-alice', [forgedDeposit(second, 'tx-forged-2')], revision + 1);
  const result = await foldBoth(t, store);
  const at = (rule: string, id: string): number => result.violations.findIndex((v) => v.rule === rule && v.eventIds[0] === id);
  t.true(at('ENTRY_UNBALANCED', first) >= 0);
  t.true(at('ENTRY_UNBALANCED', first) < at('PROJECTION_STOPPED', first));
  t.true(at('PROJECTION_STOPPED', first) < at('PROJECTION_STOPPED', bogus));
  t.true(at('PROJECTION_STOPPED', bogus) < at('ENTRY_UNBALANCED', second));
  t.regex(result.violations[at('PROJECTION_STOPPED', bogus)]!.detail, /^orders: /);
});

test('tampered: a duplicated settlement gives the same violations with both posting ids', async (t) => {
  const { store, events: logged } = await cleanLog(t);
  const original = logged.find((e) => e.type === 'TradeMarginSettled' && e.stream === 'account-bob')!;
  const revision = logged.filter((e) => e.stream === 'account-bob').length - 1;
  const copyId = '00000000-0000-4000-8000-000000000002';
  await store.append('account-bob', [{ id: copyId, type: original.type, data: original.data, metadata: { ...original.metadata, occurredAt: '2024-02-01T00:00:00.000Z', $causationId: 'again' } }], revision);
  const result = await foldBoth(t, store);
  t.deepEqual(result.violations.find((v) => v.rule === 'LEG_POSTED_TWICE')?.eventIds, [original.id, copyId]);
  t.deepEqual(result.violations.find((v) => v.rule === 'KEY_APPLIED_TWICE')?.eventIds, [copyId]);
});

test('a log that ends mid-work: the same pending work and NOT_QUIESCENT violations; with --to, the same quiescent prefix', async (t) => {
  const b = randomScenario({ seed: 3, steps: 40, users: 4 });
  const cut = b.events.map((e) => e.type).lastIndexOf('TradeExecuted') + 1;
  const store = await tempStore(t);
  await b.writeTo(store, { to: cut });
  const result = await foldBoth(t, store);
  t.false(result.quiescentAtEnd);
  t.true(result.violations.some((v) => v.rule === 'NOT_QUIESCENT'));
  const allowed = await foldBoth(t, store, { allowPendingAtEnd: true });
  t.deepEqual(allowed.violations, []);
  t.true(allowed.pending.length > 0);
  const prefix = await foldBoth(t, store, { to: await store.headPosition() });
  t.true(prefix.quiescentAtEnd);
  t.is(prefix.position, result.quiescentPosition);
});

for (const [where, at] of [['near the end', (size: number) => size - 5], ['in the middle', (size: number) => Math.floor(size / 2)]] as const) {
  test(`the parallel fold reads the files itself: a record damaged ${where} after the store was opened is StoreCorrupted`, async (t) => {
    const builder = randomScenario({ seed: 5, steps: 20, users: 3 });
    const store = await tempStore(t);
    await builder.writeTo(store);
    const dir = embeddedLogDir(store)!;
    const [segment] = (await readdir(dir)).filter((n) => n.endsWith('.seg'));
    const handle = await open(path.join(dir, segment!), 'r+');
    try {
      const { size } = await handle.stat();
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, at(size));
      byte[0] = byte[0]! ^ 0x01;
      await handle.write(byte, 0, 1, at(size));
    } finally {
      await handle.close();
    }
    await t.throwsAsync(foldLog(store, { parallel: true }), { name: 'StoreCorrupted' });
  });
}

test('a read-model commit that fails fails the worker result with that error (and leaves no unhandled rejection)', async (t) => {
  const builder = randomScenario({ seed: 5, steps: 60, users: 4 });
  const store = await tempStore(t);
  await builder.writeTo(store);
  const failing = new MemoryReadStore();
  const refused = new Error('read store refused the batch');
  failing.applyBatch = async () => {
    throw refused;
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => void process.off('unhandledRejection', onUnhandled));
  const worker = startAuditWorker({ dir: embeddedLogDir(store)!, through: await store.headPosition() }, failing);
  try {
    t.is(await t.throwsAsync(worker.result), refused);
    t.is(worker.failure, refused);
  } finally {
    await worker.stop();
  }
  // a turn for any stray rejection to surface
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.deepEqual(unhandled, []);
});
