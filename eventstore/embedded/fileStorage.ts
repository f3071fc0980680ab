import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { fsyncDir } from '../atomicFile.js';
import { join } from 'node:path';
import { StoreCorrupted } from '../errors.js';
import { FRAME_HEADER_BYTES, MAX_BODY_BYTES, checkFrame } from './codec.js';
import type { LogStorage, RecordVisitor, RecoveryReport } from './storage.js';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT_SUFFIX = '.seg';

interface Segment {
  /** global offset of the segment's first byte; also its file name */
  base: number;
  path: string;
  handle: FileHandle;
  size: number;
}

function segmentName(base: number): string {
  return `${String(base).padStart(20, '0')}${SEGMENT_SUFFIX}`;
}

/** First offset after `from` where a complete, checksummed frame starts, or -1. */
function findValidFrameAfter(buffer: Buffer, from: number): number {
  for (let at = from + 1; at + FRAME_HEADER_BYTES <= buffer.length; at++) {
    const bodyLength = buffer.readUInt32LE(at);
    // cheap filter before any checksum: most offsets hold impossible lengths
    if (bodyLength === 0 || bodyLength > MAX_BODY_BYTES || at + FRAME_HEADER_BYTES + bodyLength > buffer.length) continue;
    if (checkFrame(buffer, at).ok) return at;
  }
  return -1;
}

/**
 * The durable log: segment files named by their global base offset under `dir`. Writes go to the
 * last segment at explicit offsets and are fdatasync'ed before `write` resolves; a new segment
 * starts when the current one would exceed `segmentBytes` (a batch never spans segments).
 */
export class FileStorage implements LogStorage {
  syncCount = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private readonly segments: Segment[],
  ) {}

  get endOffset(): number {
    const last = this.segments.at(-1);
    return last ? last.base + last.size : 0;
  }

  /**
   * Opens (or creates) the log, calling `visit` for every valid record in order. A torn or
   * corrupt tail is cut off and reported; damage followed by valid records is StoreCorrupted,
   * because dropping it would silently lose acknowledged events.
   */
  static async open(dir: string, visit: RecordVisitor, segmentBytes = DEFAULT_SEGMENT_BYTES): Promise<{ storage: FileStorage; report: RecoveryReport }> {
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((n) => /^\d{20}\.seg$/.test(n)).sort();
    const report: RecoveryReport = { segments: names.length, records: 0 };
    const segments: Segment[] = [];
    try {
      let expectedBase = 0;
      for (let index = 0; index < names.length; index++) {
        const name = names[index]!;
        const base = Number(name.slice(0, 20));
        if (base !== expectedBase) throw new StoreCorrupted(`segment ${name} starts at ${base}, expected ${expectedBase}: a segment is missing or was cut`);
        const path = join(dir, name);
        const buffer = await readFile(path);
        let at = 0;
        let damage: string | undefined;
        while (at < buffer.length) {
          const check = checkFrame(buffer, at);
          if (!check.ok) {
            damage = check.reason;
            break;
          }
          const frameLength = FRAME_HEADER_BYTES + check.bodyLength;
          visit(base + at, buffer, at, frameLength);
          report.records += 1;
          at += frameLength;
        }
        if (damage !== undefined) {
          const later = names.slice(index + 1);
          for (const laterName of later) {
            const size = (await readFile(join(dir, laterName))).length;
            if (size > 0) throw new StoreCorrupted(`damaged record (${damage}) in ${name} at byte ${at}, but later segment ${laterName} holds data`);
          }
          const validAfter = findValidFrameAfter(buffer, at);
          if (validAfter >= 0) throw new StoreCorrupted(`damaged record (${damage}) in ${name} at byte ${at} is followed by a valid record at byte ${validAfter}`);
          // Empty segments after the damaged one were created by a rotation the tail never reached.
          for (const laterName of later) await rm(join(dir, laterName));
          names.length = index + 1;
          const handle = await open(path, 'r+');
          await handle.truncate(at);
          await handle.sync();
          report.truncated = { segment: name, atByte: at, droppedBytes: buffer.length - at, reason: damage };
          segments.push({ base, path, handle, size: at });
          await fsyncDir(dir);
          break;
        }
        segments.push({ base, path, handle: await open(path, 'r+'), size: buffer.length });
        expectedBase = base + buffer.length;
      }
    } catch (error) {
      await Promise.all(segments.map((s) => s.handle.close()));
      throw error;
    }
    report.segments = segments.length;
    return { storage: new FileStorage(dir, segmentBytes, segments), report };
  }

  private async startSegment(base: number): Promise<Segment> {
    const path = join(this.dir, segmentName(base));
    const handle = await open(path, 'wx+');
    await fsyncDir(this.dir);
    const segment = { base, path, handle, size: 0 };
    this.segments.push(segment);
    return segment;
  }

  async write(frames: readonly Buffer[], totalBytes: number): Promise<void> {
    let active = this.segments.at(-1);
    if (!active) active = await this.startSegment(0);
    else if (active.size > 0 && active.size + totalBytes > this.segmentBytes) active = await this.startSegment(active.base + active.size);
    const buffer = frames.length === 1 ? frames[0]! : Buffer.concat(frames, totalBytes);
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await active.handle.write(buffer, written, buffer.length - written, active.size + written);
      written += bytesWritten;
    }
    await active.handle.datasync();
    active.size += totalBytes;
    this.syncCount += 1;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.base <= offset) lo = mid;
      else hi = mid - 1;
    }
    const out = Buffer.allocUnsafe(length);
    let filled = 0;
    for (let i = lo; filled < length && i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const start = offset + filled - segment.base;
      const want = Math.min(length - filled, segment.size - start);
      if (want <= 0) continue;
      const { bytesRead } = await segment.handle.read(out, filled, want, start);
      if (bytesRead !== want) throw new StoreCorrupted(`short read in ${segment.path} at ${start}: ${bytesRead} of ${want} bytes`);
      filled += bytesRead;
    }
    if (filled !== length) throw new RangeError(`read past the end of the log: ${offset}+${length}`);
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.segments.map((s) => s.handle.close()));
  }
}
