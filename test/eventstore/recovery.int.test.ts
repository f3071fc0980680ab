import { randomUUID } from 'node:crypto';
import { appendFile, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { StoreCorrupted } from '../../eventstore/errors.js';
import { openEmbeddedStore, type RecoveryReport } from '../../eventstore/embedded/index.js';
import { NO_STREAM, type EventData } from '../../eventstore/port.js';
import { makeTempDir } from '../support/tmpdir.js';

function events(count: number): EventData[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type: 'Recorded', data: { i, text: 'some payload text' }, metadata: {} }));
}

/** A log with `appends` appends of 3 events to one stream; returns its dir and the written ids. */
async function writeLog(dir: string, appends: number, segmentBytes?: number): Promise<string[]> {
  const store = await openEmbeddedStore({ dir, segmentBytes });
  const ids: string[] = [];
  for (let a = 0; a < appends; a++) {
    const batch = events(3);
    await store.append('ledger-1', batch, a === 0 ? NO_STREAM : a * 3 - 1);
    ids.push(...batch.map((e) => e.id));
  }
  await store.close();
  return ids;
}

async function segments(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.seg')).sort().map((n) => join(dir, n));
}

async function reopen(dir: string): Promise<{ ids: string[]; report: RecoveryReport }> {
  let report: RecoveryReport | undefined;
  const store = await openEmbeddedStore({ dir, onRecovery: (r) => (report = r) });
  try {
    const ids = (await store.readStream('ledger-1')).map((e) => e.id);
    // the recovered log accepts appends right after its last good record
    await store.append('ledger-1', events(1), ids.length - 1);
    return { ids, report: report! };
  } finally {
    await store.close();
  }
}

async function withLog(t: ExecutionContext, body: (dir: string) => Promise<void>): Promise<void> {
  const temp = await makeTempDir('oec-recovery-');
  try {
    await body(join(temp.dir, 'events'));
  } finally {
    await temp.remove();
  }
  t.pass();
}

test('a clean log reopens with every event and no truncation', (t) =>
  withLog(t, async (dir) => {
    const ids = await writeLog(dir, 5);
    const { ids: recovered, report } = await reopen(dir);
    t.deepEqual(recovered, ids);
    t.is(report.records, 15);
    t.is(report.truncated, undefined);
  }));

test('a file cut in the middle of the last record is recovered to the last good record, with a report', (t) =>
  withLog(t, async (dir) => {
    const ids = await writeLog(dir, 5);
    const [segment] = await segments(dir);
    const size = (await stat(segment!)).size;
    await truncate(segment!, size - 20);
    const { ids: recovered, report } = await reopen(dir);
    t.deepEqual(recovered, ids.slice(0, 14));
    t.is(report.truncated?.reason, 'truncated-body');
    t.true(report.truncated!.droppedBytes > 0);
  }));

test('a file cut inside a record header is recovered the same way', (t) =>
  withLog(t, async (dir) => {
    const ids = await writeLog(dir, 2);
    const [segment] = await segments(dir);
    const bytes = await readFile(segment!);
    await appendFile(segment!, bytes.subarray(0, 7));
    const { ids: recovered, report } = await reopen(dir);
    t.deepEqual(recovered, ids);
    t.is(report.truncated?.reason, 'truncated-header');
    t.is(report.truncated?.droppedBytes, 7);
  }));

test('a flipped byte in the last record is cut off and reported', (t) =>
  withLog(t, async (dir) => {
    const ids = await writeLog(dir, 5);
    const [segment] = await segments(dir);
    const bytes = await readFile(segment!);
    bytes[bytes.length - 5] ^= 0x20;
    await writeFile(segment!, bytes);
    const { ids: recovered, report } = await reopen(dir);
    t.deepEqual(recovered, ids.slice(0, 14));
    t.is(report.truncated?.reason, 'bad-body-checksum');
  }));

test('a zero-filled tail (preallocated, never written) is cut off', (t) =>
  withLog(t, async (dir) => {
    const ids = await writeLog(dir, 3);
    const [segment] = await segments(dir);
    await appendFile(segment!, Buffer.alloc(4096));
    const { ids: recovered, report } = await reopen(dir);
    t.deepEqual(recovered, ids);
    t.is(report.truncated?.droppedBytes, 4096);
  }));

test('damage followed by valid records is StoreCorrupted, never a silent loss', (t) =>
  withLog(t, async (dir) => {
    await writeLog(dir, 5);
    const [segment] = await segments(dir);
    const bytes = await readFile(segment!);
    bytes[40] ^= 0x01;
    await writeFile(segment!, bytes);
    await t.throwsAsync(openEmbeddedStore({ dir }), { instanceOf: StoreCorrupted });
    // the damaged file is left as it was, for an operator to inspect
    t.deepEqual(await readFile(segment!), bytes);
  }));

test('segments rotate at their size limit and are read back across boundaries', (t) =>
  withLog(t, async (dir) => {
    const ids = await writeLog(dir, 40, 2048);
    const files = await segments(dir);
    t.true(files.length > 3, `${files.length} segments`);
    const store = await openEmbeddedStore({ dir, segmentBytes: 2048 });
    try {
      t.deepEqual((await store.readStream('ledger-1')).map((e) => e.id), ids);
      const backwards: string[] = [];
      for await (const e of store.readAll({ direction: 'backwards' })) backwards.push(e.id);
      t.deepEqual(backwards, [...ids].reverse());
    } finally {
      await store.close();
    }
  }));

test('damage in an earlier segment is StoreCorrupted even at that segment\'s end', (t) =>
  withLog(t, async (dir) => {
    await writeLog(dir, 40, 2048);
    const [first] = await segments(dir);
    const bytes = await readFile(first!);
    bytes[bytes.length - 3] ^= 0x01;
    await writeFile(first!, bytes);
    await t.throwsAsync(openEmbeddedStore({ dir, segmentBytes: 2048 }), { instanceOf: StoreCorrupted });
  }));

test('positions and commit times survive a reopen', (t) =>
  withLog(t, async (dir) => {
    await writeLog(dir, 3);
    const before = await openEmbeddedStore({ dir });
    const read1 = await before.readStream('ledger-1');
    const head1 = await before.headPosition();
    await before.close();
    const after = await openEmbeddedStore({ dir });
    try {
      t.deepEqual(await after.readStream('ledger-1'), read1);
      t.is(await after.headPosition(), head1);
      await after.append('ledger-1', events(1), 8);
      const [last] = await after.readStream('ledger-1', { direction: 'backwards', maxCount: 1 });
      t.true(last!.created >= read1.at(-1)!.created);
    } finally {
      await after.close();
    }
  }));
