import test, { type ExecutionContext } from 'ava';
import { mkdtemp, readdir, rm, truncate, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore, embeddedLogDir, createInMemoryStore, type EmbeddedEventStore } from '../../eventstore/embedded/index.js';
import { readLogEvents, readLogRecords, type SkippedRecord } from '../../eventstore/embedded/segmentReader.js';
import type { Position, RecordedEvent } from '../../eventstore/port.js';

async function tempStore(t: ExecutionContext, segmentBytes: number): Promise<EmbeddedEventStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'oec-segment-reader-'));
  const store = await openEmbeddedStore({ dir: path.join(dir, 'events'), segmentBytes });
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

async function readAll(store: EmbeddedEventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

async function readRaw(dir: string, through: Position): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const batch of readLogEvents(dir, through)) out.push(...batch);
  return out;
}

/** appends of varied sizes, one of them almost as large as a read (1 MiB), so it is cut by one */
async function fill(store: EmbeddedEventStore): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const size = i === 150 ? 1_000_000 : 50 + ((i * 7919) % 5000);
    await store.append(`s-${i % 7}`, [{ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'Thing', data: { i, pad: 'x'.repeat(size), text: 'é€😀' }, metadata: { n: i } }], 'any');
  }
}

test('reads what readAll reads, in order, across segments and records cut by a read', async (t) => {
  const store = await tempStore(t, 64 * 1024);
  await fill(store);
  const dir = embeddedLogDir(store)!;
  t.true((await readdir(dir)).length > 10);
  const expected = await readAll(store);
  t.deepEqual(await readRaw(dir, await store.headPosition()), expected);
  // up to (and with) a record in the middle
  t.deepEqual(await readRaw(dir, expected[200]!.position), expected.slice(0, 201));
  t.deepEqual(await readRaw(dir, '0'), []);
});

test('a position that is no record of the log is refused', async (t) => {
  const store = await tempStore(t, 64 * 1024);
  await fill(store);
  const dir = embeddedLogDir(store)!;
  const all = await readAll(store);
  await t.throwsAsync(readRaw(dir, String(Number(all[10]!.position) + 1)), { name: 'StoreCorrupted' });
  await t.throwsAsync(readRaw(dir, String(Number(all.at(-1)!.position) + 10_000_000)), { name: 'StoreCorrupted' });
  await t.throwsAsync(readRaw(dir, 'abc'), { instanceOf: RangeError });
});

test('readLogRecords decodes only the records wanted; the others keep their place, stream, type and position', async (t) => {
  const store = await tempStore(t, 64 * 1024);
  await fill(store);
  const dir = embeddedLogDir(store)!;
  const expected = await readAll(store);
  const asked: string[] = [];
  const got: Array<RecordedEvent | SkippedRecord> = [];
  for await (const batch of readLogRecords(dir, await store.headPosition(), (stream, type) => {
    asked.push(`${stream} ${type}`);
    return stream === 's-1';
  })) got.push(...batch);
  t.is(got.length, expected.length);
  t.deepEqual(asked, expected.map((e) => `${e.stream} ${e.type}`));
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    t.deepEqual(got[i], e.stream === 's-1' ? e : { skipped: true, position: e.position, stream: e.stream, type: e.type });
  }
});

test('a segment cut short, with more log after it, is StoreCorrupted', async (t) => {
  const store = await tempStore(t, 64 * 1024);
  await fill(store);
  const dir = embeddedLogDir(store)!;
  const head = await store.headPosition();
  const [first] = (await readdir(dir)).sort();
  await truncate(path.join(dir, first!), (await stat(path.join(dir, first!))).size - 10);
  await t.throwsAsync(readRaw(dir, head), { name: 'StoreCorrupted' });
});

test('only stores opened on disk name a directory', (t) => {
  t.is(embeddedLogDir(createInMemoryStore()), undefined);
});
