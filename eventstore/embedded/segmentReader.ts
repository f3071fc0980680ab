/**
 * A sequential reader of the on-disk log for whole-log folds (the replay and the proof of
 * reserves): it reads the segment files in order and decodes every frame up to a position,
 * without opening the store (no stream index, no recovery). Several threads can each read the
 * log this way and decode in parallel, which beats handing decoded events between threads.
 *
 * It reads only what a store opened on `dir` had made durable: the caller passes the store's
 * head position, and bytes past it (an append being written) are never looked at. Every frame
 * is checked like recovery checks it: a damaged one is StoreCorrupted, never skipped.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreCorrupted } from '../errors.js';
import type { Position, RecordedEvent } from '../port.js';
import { crc32 } from 'node:zlib';
import { BODY_FIXED_BYTES, FRAME_HEADER_BYTES, MAX_BODY_BYTES, checkFrame, decodeEvent, decodeHead, type FrameCheck } from './codec.js';

/** bytes per read: about 1,500 events of a typical log, decoded before the next read */
const CHUNK_BYTES = 1 << 20;
const SEGMENT_NAME = /^\d{20}\.seg$/;

/** A record read but not decoded (its JSON is never parsed): what it is and where. */
export interface SkippedRecord {
  skipped: true;
  position: Position;
  stream: string;
  type: string;
}

/** Whether to decode a record, told from its stream and type alone. */
export type RecordWanted = (stream: string, type: string) => boolean;

/**
 * The events at positions ≤ `through` (a record's position is its global byte offset + 1), in
 * log order, a chunk's worth at a time. `through` must be a record's position (or '0': nothing).
 */
export function readLogEvents(dir: string, through: Position): AsyncGenerator<RecordedEvent[]> {
  return readLog(dir, through, null) as AsyncGenerator<RecordedEvent[]>;
}

export interface ReadLogOptions {
  /**
   * false: only frame headers are checked, not the bodies' checksums — for a reader whose bytes
   * another reader of the same files checks (the parallel fold's worker); a damaged body then
   * fails that reader, or this one's JSON.
   */
  checkBodies?: boolean;
  /**
   * false (with checkBodies false): not even the headers' checksums, only that a frame's length
   * is sane and within the chunk — for the same kind of reader, whose every record another
   * reader checks in full (a damaged log fails that reader; this one may read garbage first).
   */
  checkHeaders?: boolean;
}

/**
 * Like readLogEvents, but only the records `wanted` are decoded; the others come as
 * SkippedRecords, in their place (a reader that needs a few streams skips most of the JSON).
 */
export function readLogRecords(dir: string, through: Position, wanted: RecordWanted, options: ReadLogOptions = {}): AsyncGenerator<Array<RecordedEvent | SkippedRecord>> {
  const checkBodies = options.checkBodies ?? true;
  const checkHeaders = options.checkHeaders ?? true;
  if (checkBodies && !checkHeaders) throw new TypeError('a reader that checks bodies checks their headers too');
  return readLog(dir, through, wanted, checkBodies ? checkFrame : checkHeaders ? checkHeader : checkLength);
}

/** checkFrame without the body's checksum */
function checkHeader(buffer: Buffer, offset: number): FrameCheck {
  if (buffer.length - offset < FRAME_HEADER_BYTES) return { ok: false, reason: 'truncated-header' };
  const bodyLength = buffer.readUInt32LE(offset);
  if (bodyLength < BODY_FIXED_BYTES || bodyLength > MAX_BODY_BYTES || crc32(buffer.subarray(offset, offset + 8)) !== buffer.readUInt32LE(offset + 8)) return { ok: false, reason: 'bad-header' };
  if (offset + FRAME_HEADER_BYTES + bodyLength > buffer.length) return { ok: false, reason: 'truncated-body' };
  return { ok: true, bodyLength };
}

/** checkHeader without the header's checksum: the length must be sane, the frame within the chunk */
function checkLength(buffer: Buffer, offset: number): FrameCheck {
  if (buffer.length - offset < FRAME_HEADER_BYTES) return { ok: false, reason: 'truncated-header' };
  const bodyLength = buffer.readUInt32LE(offset);
  if (bodyLength < BODY_FIXED_BYTES || bodyLength > MAX_BODY_BYTES) return { ok: false, reason: 'bad-header' };
  if (offset + FRAME_HEADER_BYTES + bodyLength > buffer.length) return { ok: false, reason: 'truncated-body' };
  return { ok: true, bodyLength };
}

async function* readLog(dir: string, through: Position, wanted: RecordWanted | null, check: (buffer: Buffer, offset: number) => FrameCheck = checkFrame): AsyncGenerator<Array<RecordedEvent | SkippedRecord>> {
  const last = Number(through);
  if (!Number.isSafeInteger(last) || last < 0) throw new RangeError(`invalid position ${JSON.stringify(through)}`);
  if (last === 0) return;
  const names = (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
  let expectedBase = 0;
  let lastRead = 0;
  for (const name of names) {
    const base = Number(name.slice(0, 20));
    if (base > last) break;
    if (base !== expectedBase) throw new StoreCorrupted(`segment ${name} starts at ${base}, expected ${expectedBase}`);
    const handle = await open(join(dir, name), 'r');
    try {
      const size = (await handle.stat()).size;
      let fileOffset = 0;
      let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      let held = 0;
      while (fileOffset < size && lastRead < last) {
        const { bytesRead } = await handle.read(buffer, held, Math.min(buffer.length - held, size - fileOffset), fileOffset);
        if (bytesRead === 0) throw new StoreCorrupted(`short read in ${name} at ${fileOffset}`);
        fileOffset += bytesRead;
        const length = held + bytesRead;
        const events: Array<RecordedEvent | SkippedRecord> = [];
        const view = buffer.subarray(0, length);
        let at = 0;
        while (at < length) {
          const position = base + fileOffset - length + at + 1;
          if (position > last) break;
          const frame = check(view, at);
          if (!frame.ok) {
            if (frame.reason === 'truncated-header' || frame.reason === 'truncated-body') break;
            throw new StoreCorrupted(`damaged record (${frame.reason}) in ${name} at byte ${fileOffset - length + at}`);
          }
          const frameLength = FRAME_HEADER_BYTES + frame.bodyLength;
          if (wanted === null) events.push(decodeEvent(buffer, at, frameLength, String(position)));
          else {
            const head = decodeHead(buffer, at, frameLength);
            events.push(wanted(head.stream, head.type) ? decodeEvent(buffer, at, frameLength, String(position), head) : { skipped: true, position: String(position), stream: head.stream, type: head.type });
          }
          lastRead = position;
          at += frameLength;
        }
        if (events.length > 0) yield events;
        if (lastRead >= last) break;
        // the frame cut by the chunk's end moves to the front; a frame larger than a chunk gets a larger buffer
        held = length - at;
        const need = held >= FRAME_HEADER_BYTES ? FRAME_HEADER_BYTES + buffer.readUInt32LE(at) : 0;
        const next = need > buffer.length ? Buffer.allocUnsafe(need) : buffer;
        buffer.copy(next, 0, at, length);
        buffer = next;
      }
      if (held > 0 && lastRead < last) throw new StoreCorrupted(`segment ${name} ends inside a record (${held} bytes), and the log goes on`);
      expectedBase = base + size;
    } finally {
      await handle.close();
    }
  }
  if (lastRead !== last) throw new StoreCorrupted(`position ${through} is not a record of the log in ${dir} (last record read: ${lastRead})`);
}
