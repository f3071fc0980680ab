import test from 'ava';
import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { FastBook } from '../../matching/book/fast-book.js';
import { EngineInvariantBroken } from '../../matching/engine/core.js';
import { recoverEngine, walDirOf } from '../../matching/engine/recovery.js';
import { checkFrame, decodeEntryView } from '../../matching/wal/codec.js';
import { WalCorrupted } from '../../matching/wal/reader.js';
import { listSegments } from '../../matching/wal/segments.js';
import { makeTempDir } from '../support/tmpdir.js';
import { engineAt } from './support/engines.js';
import { asSource, randomFlow, SYMBOL, take } from './support/flow.js';

async function walWith(entries: number, options: { segmentBytes?: number } = {}) {
  const tmp = await makeTempDir();
  const engine = engineAt(tmp.dir, options);
  await engine.start();
  const flow = randomFlow({ seed: 11, idPrefix: 'w' });
  let position = 0;
  while (engine.lastEntrySeq < entries) {
    engine.submit(asSource(flow.next().value!, ++position));
    // several batches, so segments can rotate between them
    if (engine.lastEntrySeq % 500 === 0) await engine.flush();
  }
  await engine.flush();
  const hash = engine.stateHash();
  await engine.stop();
  return { tmp, hash, engine };
}

const recover = (dir: string) => recoverEngine({ dir, symbol: SYMBOL, createBook: () => new FastBook() });

test('group commit: many entries share one fsync', async (t) => {
  const { tmp, engine } = await walWith(2000);
  t.teardown(tmp.remove);
  t.is(engine.durableEntrySeq, 2000);
  t.true(engine.walSyncCount < 40, `${engine.walSyncCount} syncs for 2000 entries submitted in bursts of 500`);
});

test('a torn last record is cut off and reported; the engine resumes writing after the last intact entry', async (t) => {
  const { tmp } = await walWith(300);
  t.teardown(tmp.remove);
  const [segment] = await listSegments(walDirOf(tmp.dir));
  const size = (await stat(segment!.path)).size;
  await truncate(segment!.path, size - 5);

  const recovered = await recover(tmp.dir);
  t.is(recovered.report.lastEntrySeq, 299);
  t.like(recovered.report.truncated, { segment: '0000000000000001.wal' });
  t.true(recovered.report.truncated!.droppedBytes > 0);
  t.regex(recovered.report.truncated!.reason, /cut/);
  t.is((await stat(segment!.path)).size, size - 5 - recovered.report.truncated!.droppedBytes, 'the file is cut at the last intact record');

  const again = await recover(tmp.dir);
  t.is(again.report.truncated, undefined, 'the repair is durable');

  const engine = engineAt(tmp.dir);
  await engine.start();
  t.is(engine.lastEntrySeq, 299);
  take(randomFlow({ seed: 12, idPrefix: 'v' }), 10).forEach((e, i) => engine.submit(asSource(e, 10_000 + i)));
  await engine.flush();
  await engine.stop();
  t.is((await recover(tmp.dir)).report.lastEntrySeq, engine.lastEntrySeq);
});

test('garbage after the last record (a half-written batch) is cut off', async (t) => {
  const { tmp, hash } = await walWith(100);
  t.teardown(tmp.remove);
  const [segment] = await listSegments(walDirOf(tmp.dir));
  await appendFile(segment!.path, Buffer.from([0x40, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
  const recovered = await recover(tmp.dir);
  t.is(recovered.report.lastEntrySeq, 100);
  t.is(recovered.report.truncated?.droppedBytes, 10);
  t.is(recovered.core.stateHash(), hash);
});

test('segments rotate; damage inside a sealed segment stops recovery instead of being cut', async (t) => {
  const { tmp, hash } = await walWith(3000, { segmentBytes: 64 * 1024 });
  t.teardown(tmp.remove);
  const segments = await listSegments(walDirOf(tmp.dir));
  t.true(segments.length >= 3, `${segments.length} segments`);
  t.is((await recover(tmp.dir)).core.stateHash(), hash);

  const bytes = await readFile(segments[0]!.path);
  bytes[bytes.length >> 1]! ^= 0xff;
  await writeFile(segments[0]!.path, bytes);
  const error = await t.throwsAsync(recover(tmp.dir), { instanceOf: WalCorrupted });
  t.regex(error!.message, /sealed segment/);
});

test('replay that does not reproduce the recorded outputs is a hard error', async (t) => {
  const { tmp } = await walWith(50);
  t.teardown(tmp.remove);
  const [segment] = await listSegments(walDirOf(tmp.dir));
  const bytes = await readFile(segment!.path);
  // rewrite entry 10's last output byte-consistently (valid CRC): only the replay can notice
  let offset = 0;
  for (let seq = 1; seq < 10; seq++) {
    const frame = checkFrame(bytes, offset, bytes.length);
    if (!frame.ok) throw new Error(frame.reason);
    offset = frame.payloadEnd;
  }
  const frame = checkFrame(bytes, offset, bytes.length);
  if (!frame.ok) throw new Error(frame.reason);
  const view = decodeEntryView(bytes, frame.payloadStart, frame.payloadEnd);
  t.is(view.entrySeq, 10);
  // the first output's first numeric field (side / seq / remaining / reason) sits right after its kind byte
  bytes[view.outputsStart + 7]! ^= 0x01;
  bytes.writeUInt32LE(crc32(bytes.subarray(frame.payloadStart, frame.payloadEnd)), offset + 4);
  await writeFile(segment!.path, bytes);
  const error = await t.throwsAsync(recover(tmp.dir), { instanceOf: EngineInvariantBroken });
  t.regex(error!.message, /replay of entry 10/);
});
