import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { recoverEngine, snapshotDirOf } from '../../matching/engine/recovery.js';
import { FastBook } from '../../matching/book/fast-book.js';
import { ReferenceBook } from '../../matching/book/reference-book.js';
import { listSnapshots } from '../../matching/snapshot/store.js';
import { makeTempDir } from '../support/tmpdir.js';
import { engineAt, restingOf } from './support/engines.js';
import { acceptedData, asSource, randomFlow, SYMBOL, take, until } from './support/flow.js';

/** 1,000 non-crossing orders: bids at 100 − k·0.5, asks at 200 + k·0.5, several per level. */
function restingOrders(n: number, from = 0) {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    const buy = i % 2 === 0;
    const level = Math.floor(i / 2) % 50;
    return acceptedData({ orderId: `rest-${i}`, userId: `user-${i % 7}`, side: buy ? 'BUY' : 'SELL', price: String(buy ? 100 - level / 2 : 200 + level / 2), qty: `0.00${(i % 9) + 1}` }, i);
  });
}

test('1,000 resting orders, a snapshot, 2 more only in the WAL, killed: restart has exactly 1,002 in the same price-time order, same state hash; re-delivery changes nothing', async (t) => {
  const tmp = await makeTempDir();
  t.teardown(tmp.remove);
  const inputs = [...restingOrders(1000), ...restingOrders(2, 1000)].map((e, i) => asSource(e, i + 1));

  const first = engineAt(tmp.dir, { snapshotEvery: 1000 });
  await first.start();
  for (const input of inputs.slice(0, 1000)) first.submit(input);
  await first.flush();
  await until('the snapshot at entry 1000', async () => (await listSnapshots(snapshotDirOf(tmp.dir))).some((s) => s.lastEntrySeq === 1000));
  for (const input of inputs.slice(1000)) first.submit(input);
  await first.flush();
  const hashBefore = first.stateHash();
  const orderBefore = restingOf(first.book);
  // killed: never stopped, nothing written after the last commit

  const second = engineAt(tmp.dir, { snapshotEvery: 1000 });
  const report = await second.start();
  t.is(report.snapshotSeq, 1000);
  t.is(report.replayedEntries, 2);
  t.is(report.truncated, undefined);
  t.is(second.book.restingCount(), 1002);
  t.deepEqual(restingOf(second.book), orderBefore);
  t.is(second.stateHash(), hashBefore);

  for (const input of inputs) t.is(second.submit(input), undefined);
  await second.flush();
  t.is(second.lastEntrySeq, 1002);
  t.is(second.stateHash(), hashBefore);
  await second.stop();

  const replay = await recoverEngine({ dir: tmp.dir, symbol: SYMBOL, createBook: () => new ReferenceBook(), useSnapshots: false, repair: false });
  t.is(replay.report.replayedEntries, 1002);
  t.is(replay.core.stateHash(), hashBefore, 'a full replay of the WAL on the reference book agrees');
});

test('a corrupt newest snapshot falls back to the previous one; with none valid the whole WAL is replayed', async (t) => {
  const tmp = await makeTempDir();
  t.teardown(tmp.remove);
  const engine = engineAt(tmp.dir, { snapshotEvery: 500 });
  await engine.start();
  const flow = randomFlow({ seed: 3, idPrefix: 's' });
  let position = 0;
  for (let round = 0; round < 3; round++) {
    while (engine.lastEntrySeq < (round + 1) * 500 + 100) engine.submit(asSource(flow.next().value as ReturnType<typeof acceptedData>, ++position));
    await engine.flush();
    const want = (round + 1) * 500;
    await until(`snapshot ${want}`, async () => (await listSnapshots(snapshotDirOf(tmp.dir)))[0]?.lastEntrySeq === want);
  }
  const hash = engine.stateHash();
  await engine.stop();
  const snapshots = await listSnapshots(snapshotDirOf(tmp.dir));
  t.deepEqual(snapshots.map((s) => s.lastEntrySeq), [1500, 1000], 'the last two are kept');

  const newest = snapshots[0]!.path;
  const bytes = await readFile(newest);
  bytes[bytes.length - 10]! ^= 0x20;
  await writeFile(newest, bytes);
  const fallback = await recoverEngine({ dir: tmp.dir, symbol: SYMBOL, createBook: () => new FastBook() });
  t.is(fallback.report.snapshotSeq, 1000);
  t.is(fallback.report.rejectedSnapshots.length, 1);
  t.regex(fallback.report.rejectedSnapshots[0]!.reason, /checksum/);
  t.is(fallback.core.stateHash(), hash);

  await writeFile(snapshots[1]!.path, 'not a snapshot');
  const full = await recoverEngine({ dir: tmp.dir, symbol: SYMBOL, createBook: () => new FastBook() });
  t.is(full.report.snapshotSeq, null);
  t.is(full.report.rejectedSnapshots.length, 2);
  t.is(full.report.replayedEntries, engine.lastEntrySeq);
  t.is(full.core.stateHash(), hash);
});

test('a snapshot whose content disagrees with its state hash is rejected', async (t) => {
  const tmp = await makeTempDir();
  t.teardown(tmp.remove);
  const engine = engineAt(tmp.dir, { snapshotEvery: 300 });
  await engine.start();
  take(randomFlow({ seed: 5, idPrefix: 'h', limitsOnly: true, cancelShare: 0 }), 400).forEach((e, i) => engine.submit(asSource(e, i + 1)));
  await engine.flush();
  await until('snapshot 300', async () => (await listSnapshots(snapshotDirOf(tmp.dir))).length === 1);
  const hash = engine.stateHash();
  await engine.stop();
  // a well-formed file (valid checksum) whose book is not what its hash says: a bug, not a torn write
  const [file] = await listSnapshots(snapshotDirOf(tmp.dir));
  const { encodeSnapshot, readSnapshot } = await import('../../matching/snapshot/store.js');
  const payload = await readSnapshot(file!, SYMBOL);
  payload.image.orders[0]![6] += 1;
  await writeFile(file!.path, encodeSnapshot(payload));
  const recovered = await recoverEngine({ dir: tmp.dir, symbol: SYMBOL, createBook: () => new FastBook() });
  t.is(recovered.report.snapshotSeq, null);
  t.regex(recovered.report.rejectedSnapshots[0]!.reason, /state hash/);
  t.is(recovered.core.stateHash(), hash);
});

test('snapshots of one symbol are not used for another', async (t) => {
  const tmp = await makeTempDir();
  t.teardown(tmp.remove);
  const engine = engineAt(tmp.dir, { snapshotEvery: 10 });
  await engine.start();
  take(randomFlow({ seed: 9, idPrefix: 'x' }), 30).forEach((e, i) => engine.submit(asSource(e, i + 1)));
  await engine.flush();
  await until('a snapshot', async () => (await listSnapshots(snapshotDirOf(tmp.dir))).length > 0);
  await engine.stop();
  const other = await recoverEngine({ dir: tmp.dir, symbol: 'ETH-PERP', createBook: () => new FastBook(), repair: false });
  t.true(other.report.rejectedSnapshots.every((r) => /snapshot of BTC-PERP/.test(r.reason)));
  t.true(other.report.rejectedSnapshots.length > 0);
});
