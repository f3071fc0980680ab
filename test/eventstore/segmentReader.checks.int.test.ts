/*
 * How much of each frame readLogRecords checks: all of it by default; headers only with
 * checkBodies false; only sane lengths with checkHeaders false too (the parallel fold's calling
 * thread, whose records the worker checks in full).
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore, embeddedLogDir, type EmbeddedEventStore } from '../../eventstore/embedded/index.js';
import { readLogRecords, type ReadLogOptions, type SkippedRecord } from '../../eventstore/embedded/segmentReader.js';
import type { Position, RecordedEvent } from '../../eventstore/port.js';

async function filledStore(t: ExecutionContext): Promise<{ store: EmbeddedEventStore; dir: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'oec-segment-checks-'));
  const store = await openEmbeddedStore({ dir: path.join(root, 'events'), segmentBytes: 64 * 1024 });
  t.teardown(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });
  for (let i = 0; i < 120; i++) {
    await store.append(`s-${i % 5}`, [{ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'Thing', data: { i, pad: 'x'.repeat(40 + ((i * 7919) % 3000)) }, metadata: {} }], 'any');
  }
  return { store, dir: embeddedLogDir(store)! };
}

async function read(dir: string, through: Position, options: ReadLogOptions): Promise<Array<RecordedEvent | SkippedRecord>> {
  const out: Array<RecordedEvent | SkippedRecord> = [];
  for await (const batch of readLogRecords(dir, through, () => true, options)) out.push(...batch);
  return out;
}

/** flips a byte of the first frame of the first segment: `at` bytes into it */
async function damageFirstFrame(dir: string, at: number): Promise<void> {
  const [first] = (await readdir(dir)).sort();
  const handle = await open(path.join(dir, first!), 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] = byte[0]! ^ 0xff;
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
}

test('every level of checking reads a sound log alike', async (t) => {
  const { store, dir } = await filledStore(t);
  const head = await store.headPosition();
  const full = await read(dir, head, {});
  t.is(full.length, 120);
  t.deepEqual(await read(dir, head, { checkBodies: false }), full);
  t.deepEqual(await read(dir, head, { checkBodies: false, checkHeaders: false }), full);
});

test("a damaged header checksum fails the readers that check headers, not the one that checks only lengths", async (t) => {
  const { store, dir } = await filledStore(t);
  const head = await store.headPosition();
  const sound = await read(dir, head, {});
  // bytes 8..11 of a frame: the CRC of its first 8 bytes
  await damageFirstFrame(dir, 8);
  await t.throwsAsync(read(dir, head, {}), { name: 'StoreCorrupted' });
  await t.throwsAsync(read(dir, head, { checkBodies: false }), { name: 'StoreCorrupted' });
  t.deepEqual(await read(dir, head, { checkBodies: false, checkHeaders: false }), sound);
});

test('an insane length is StoreCorrupted at every level', async (t) => {
  const { store, dir } = await filledStore(t);
  const head = await store.headPosition();
  // the high byte of the first frame's body length: some 4 GB
  await damageFirstFrame(dir, 3);
  await t.throwsAsync(read(dir, head, { checkBodies: false, checkHeaders: false }), { name: 'StoreCorrupted' });
});

test('checking bodies without their headers is refused', (t) => {
  t.throws(() => readLogRecords('.', '0', () => true, { checkBodies: true, checkHeaders: false }), { instanceOf: TypeError });
});
