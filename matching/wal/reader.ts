/**
 * Reads the WAL at startup: every frame is checked (length, CRC), entries must follow each other
 * without gaps, and a damaged tail of the LAST segment — a write the crash cut short — is cut off
 * and reported. Damage anywhere else cannot come from a crash (a segment is complete and fsynced
 * before the next one starts) and stops recovery with WalCorrupted.
 */
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DECODE_ALL, DECODE_LAYOUT, DECODE_MATCHING, EntryDecoder, FRAME_HEADER_BYTES, frameEnd, frameProblem, WalFormatError, type EntryView } from './codec.js';
import { listSegments } from './segments.js';

export class WalCorrupted extends Error {
  override name = 'WalCorrupted';
}

export interface TornTail {
  segment: string;
  atByte: number;
  droppedBytes: number;
  reason: string;
}

export interface WalScanReport {
  segments: number;
  /** entries handed to the visitor */
  entriesVisited: number;
  /** the last intact entry of the WAL, 0 when it is empty */
  lastEntrySeq: number;
  truncated?: TornTail;
}

/**
 * Called for each intact entry with seq ≥ fromSeq, in order. The buffer is the segment's; the
 * payload is buf[payloadStart, payloadEnd). The view and its input are one object reused for every
 * entry: read them during the call, never keep them.
 */
export type EntryVisitor = (view: EntryView, buf: Buffer, payloadStart: number, payloadEnd: number) => void;

export interface ScanOptions {
  fromSeq: number;
  /** cut a torn tail off the file (recovery); false only reads (inspection tools, tests) */
  repair: boolean;
  /** decode each input's source metadata (event id, correlation, time); replay does not need it */
  withSource?: boolean;
}

export async function scanWal(walDir: string, options: ScanOptions, visit: EntryVisitor): Promise<WalScanReport> {
  const segments = await listSegments(walDir);
  const report: WalScanReport = { segments: segments.length, entriesVisited: 0, lastEntrySeq: 0 };
  let expectedSeq = 0;
  const decoder = new EntryDecoder();
  const depth = (options.withSource ?? true) ? DECODE_ALL : DECODE_MATCHING;
  /**
   * The next segment is read while the current one is walked: replay is CPU-bound, so the disk
   * wait leaves the critical path. The read is one positional read of the whole file on an
   * already open handle — a single thread-pool job that needs no turn of the event loop, which
   * the synchronous walk does not give (readFile reads in chunks, one callback each). Only the
   * last segment is ever truncated, and nothing is read after it.
   */
  let prefetch: { index: number; read: Promise<Buffer> } | null = null;
  const readSegment = (index: number): Promise<Buffer> => {
    if (prefetch?.index === index) return prefetch.read;
    return readFile(segments[index]!.path);
  };
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!;
    const next = segments[s + 1];
    const isLast = next === undefined;
    if (expectedSeq !== 0 && segment.firstSeq !== expectedSeq) {
      throw new WalCorrupted(`segment ${basename(segment.path)} starts at entry ${segment.firstSeq}, expected ${expectedSeq}`);
    }
    if (next !== undefined && next.firstSeq <= options.fromSeq) {
      // wholly before what is asked for: its successor's name says where it ends
      expectedSeq = next.firstSeq;
      report.lastEntrySeq = next.firstSeq - 1;
      continue;
    }
    const buf = await readSegment(s);
    prefetch = null;
    if (next !== undefined) {
      const read = (await startWholeRead(next.path)).contents;
      // a failed prefetch is reported when (if) that segment is awaited, not as an unhandled rejection
      read.catch(() => undefined);
      prefetch = { index: s + 1, read };
    }
    let offset = 0;
    let seq = segment.firstSeq;
    while (offset < buf.length) {
      const payloadEnd = frameEnd(buf, offset, buf.length);
      if (payloadEnd < 0) {
        const reason = frameProblem(buf, offset, buf.length);
        if (!isLast) throw new WalCorrupted(`${basename(segment.path)} byte ${offset}: ${reason} in a sealed segment`);
        report.truncated = { segment: basename(segment.path), atByte: offset, droppedBytes: buf.length - offset, reason };
        if (options.repair) await truncateFile(segment.path, offset);
        break;
      }
      const payloadStart = offset + FRAME_HEADER_BYTES;
      const wanted = seq >= options.fromSeq;
      try {
        decoder.read(buf, payloadStart, payloadEnd, wanted ? depth : DECODE_LAYOUT);
      } catch (error) {
        if (error instanceof WalFormatError) throw new WalCorrupted(`${basename(segment.path)} byte ${offset}: intact frame with invalid content: ${error.message}`);
        throw error;
      }
      if (decoder.entrySeq !== seq) throw new WalCorrupted(`${basename(segment.path)} byte ${offset}: entry ${decoder.entrySeq}, expected ${seq}`);
      if (wanted) {
        visit(decoder, buf, payloadStart, payloadEnd);
        report.entriesVisited += 1;
      }
      report.lastEntrySeq = seq;
      seq += 1;
      offset = payloadEnd;
    }
    expectedSeq = seq;
  }
  return report;
}

/**
 * Opens and sizes `path`, then starts reading it whole in one read call (see the prefetch in
 * scanWal): resolves once the read is under way (wrapped, or awaiting this would await the read).
 */
async function startWholeRead(path: string): Promise<{ contents: Promise<Buffer> }> {
  const handle = await open(path, 'r');
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  const buf = Buffer.allocUnsafe(size);
  const read = async (): Promise<Buffer> => {
    try {
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(buf, at, size - at, at);
        if (bytesRead === 0) return buf.subarray(0, at);
        at += bytesRead;
      }
      return buf;
    } finally {
      await handle.close();
    }
  };
  return { contents: read() };
}

async function truncateFile(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
