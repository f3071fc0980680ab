import test, { type ExecutionContext } from 'ava';
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { encodeRecord } from '../../eventstore/embedded/codec.js';
import { embeddedLogDir, openEmbeddedStore, type EmbeddedEventStore } from '../../eventstore/embedded/index.js';
import { readLogEvents } from '../../eventstore/embedded/segmentReader.js';
import type { Position, RecordedEvent } from '../../eventstore/port.js';

/*
 * The segment reader against a log being written: bytes past the position it is given — a batch
 * half written, or garbage — are never looked at, so they are neither data nor damage to it.
 */

async function tempStore(t: ExecutionContext): Promise<EmbeddedEventStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'oec-segment-live-'));
  const store = await openEmbeddedStore({ dir: path.join(dir, 'events'), segmentBytes: 16 * 1024 });
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

async function readRaw(dir: string, through: Position): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const batch of readLogEvents(dir, through)) out.push(...batch);
  return out;
}

async function readAll(store: EmbeddedEventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

const thing = (i: number) => ({ id: randomUUID(), type: 'Thing', data: { i, pad: 'x'.repeat(100 + (i % 13) * 50) }, metadata: {} });

test('reads stop at the head given while appends go on, across segment roll-overs', async (t) => {
  const store = await tempStore(t);
  for (let i = 0; i < 200; i++) await store.append(`thing-${i % 5}`, [thing(i)], 'any');
  const dir = embeddedLogDir(store)!;
  const expected = await readAll(store);
  const head = await store.headPosition();
  let stop = false;
  const writer = (async () => {
    for (let i = 200; !stop; i++) await store.append(`thing-${i % 5}`, [thing(i), thing(i + 1)], 'any');
  })();
  try {
    for (let round = 0; round < 20; round++) t.deepEqual(await readRaw(dir, head), expected);
    // a head taken while writing: exactly the records up to it
    const later = await store.headPosition();
    const got = await readRaw(dir, later);
    t.is(got.at(-1)!.position, later);
    t.deepEqual(got.slice(0, expected.length), expected);
  } finally {
    stop = true;
    await writer;
  }
  t.true((await readdir(dir)).length > 5);
});

test('a record half written past the head (or garbage there) is not read; a head past it is StoreCorrupted', async (t) => {
  const store = await tempStore(t);
  for (let i = 0; i < 50; i++) await store.append('thing-a', [thing(i)], 'any');
  const dir = embeddedLogDir(store)!;
  const expected = await readAll(store);
  const head = await store.headPosition();
  const last = (await readdir(dir)).filter((n) => n.endsWith('.seg')).sort().at(-1)!;
  // the half-written record's position: the byte where it starts + 1
  const halfWritten = String(Number(last.slice(0, 20)) + (await stat(path.join(dir, last))).size + 1);
  const frame = encodeRecord('thing-a', thing(99), 50, Date.now());
  await appendFile(path.join(dir, last), frame.subarray(0, frame.length - 7));
  t.deepEqual(await readRaw(dir, head), expected);
  await appendFile(path.join(dir, last), Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
  t.deepEqual(await readRaw(dir, head), expected);
  await t.throwsAsync(readRaw(dir, halfWritten), { name: 'StoreCorrupted' });
});
