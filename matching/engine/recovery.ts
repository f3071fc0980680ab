/**
 * Recovery = the newest valid snapshot + the WAL entries after it (DESIGN §7).
 *
 * A snapshot that fails its checksum, its decoding, or its own state hash after restoring is
 * reported and the previous one is tried; with none left the whole WAL is replayed. Each replayed
 * entry must reproduce exactly the outputs it recorded (compared byte for byte in WAL encoding):
 * a difference means the book or the engine is no longer deterministic, and the engine must not
 * run on — EngineInvariantBroken.
 *
 * Replay decodes each record into one reused input object and compares bytes, so a million
 * entries build no per-entry objects beyond the id strings the book keeps for live orders.
 */
import { join } from 'node:path';
import type { OrderBook } from '../book/types.js';
import { listSnapshots, readSnapshot } from '../snapshot/store.js';
import { ByteWriter, decodeEntry, decodeOutputs } from '../wal/codec.js';
import { scanWal, WalCorrupted, type TornTail } from '../wal/reader.js';
import { EngineCore, EngineInvariantBroken } from './core.js';
import type { WalEntry } from './types.js';

export function walDirOf(engineDir: string): string { return join(engineDir, 'wal'); }
export function snapshotDirOf(engineDir: string): string { return join(engineDir, 'snapshots'); }

export interface RecoveryOptions {
  /** the engine's directory (holds wal/ and snapshots/) */
  dir: string;
  symbol: string;
  createBook: () => OrderBook;
  /** entries from this seq on are returned decoded (not yet published); default: none */
  collectFromSeq?: number;
  /** false replays the whole WAL (the reference a recovered state is compared with) */
  useSnapshots?: boolean;
  /** false leaves a torn tail in place (read-only inspection) */
  repair?: boolean;
}

export interface RecoveryReport {
  /** the entry the used snapshot was taken at; null = full replay */
  snapshotSeq: number | null;
  rejectedSnapshots: Array<{ file: string; reason: string }>;
  replayedEntries: number;
  lastEntrySeq: number;
  walSegments: number;
  truncated?: TornTail;
}

export interface Recovered {
  core: EngineCore;
  report: RecoveryReport;
  /** entries with seq ≥ collectFromSeq, in order */
  collected: WalEntry[];
}

export async function recoverEngine(options: RecoveryOptions): Promise<Recovered> {
  const rejectedSnapshots: RecoveryReport['rejectedSnapshots'] = [];
  let core: EngineCore | undefined;
  let snapshotSeq: number | null = null;
  if (options.useSnapshots ?? true) {
    for (const file of await listSnapshots(snapshotDirOf(options.dir))) {
      try {
        const payload = await readSnapshot(file, options.symbol);
        core = EngineCore.fromImage(payload.image, options.createBook());
        snapshotSeq = file.lastEntrySeq;
        break;
      } catch (error) {
        rejectedSnapshots.push({ file: file.path, reason: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
  }
  core ??= new EngineCore(options.createBook());
  const replayFrom = core.lastEntrySeq + 1;
  const collectFrom = options.collectFromSeq ?? Number.MAX_SAFE_INTEGER;
  const collected: WalEntry[] = [];
  const scratch = new ByteWriter(1 << 12);
  let replayedEntries = 0;
  const recovering = core;

  // the last replayed entry's source position, as bytes in its segment buffer
  let positionBuf: Buffer = Buffer.from(core.lastSourcePosition, 'latin1');
  let positionStart = 0;
  let positionLength = positionBuf.length;

  const scan = await scanWal(walDirOf(options.dir), { fromSeq: Math.min(replayFrom, collectFrom), repair: options.repair ?? true, withSource: false }, (view, buf, payloadStart, payloadEnd) => {
    if (view.entrySeq >= collectFrom) collected.push(decodeEntry(buf, payloadStart, payloadEnd));
    if (view.entrySeq < replayFrom) return;
    if (view.entrySeq !== recovering.lastEntrySeq + 1) throw new WalCorrupted(`entry ${view.entrySeq} follows ${recovering.lastEntrySeq}`);
    if (view.expectedMarketRevision !== recovering.marketRevision) {
      throw new EngineInvariantBroken(`entry ${view.entrySeq} expects market revision ${view.expectedMarketRevision}, replay is at ${recovering.marketRevision}`);
    }
    if (recovering.lastEntrySeq > 0 && !positionAfter(buf, view.positionStart, view.positionLength, positionBuf, positionStart, positionLength)) {
      const position = buf.toString('latin1', view.positionStart, view.positionStart + view.positionLength);
      const previous = positionBuf.toString('latin1', positionStart, positionStart + positionLength);
      throw new EngineInvariantBroken(`entry ${view.entrySeq} source position ${position} does not follow ${previous}`);
    }
    positionBuf = buf;
    positionStart = view.positionStart;
    positionLength = view.positionLength;
    scratch.reset();
    recovering.replay(view.input, scratch);
    if (!sameBytes(scratch.buf, 0, scratch.length, buf, view.outputsStart, view.outputsEnd)) {
      const replayed = decodeOutputs(scratch.buf, 0, scratch.length);
      const recorded = decodeOutputs(buf, view.outputsStart, view.outputsEnd);
      throw new EngineInvariantBroken(`replay of entry ${view.entrySeq} gave ${JSON.stringify(replayed)}, the WAL recorded ${JSON.stringify(recorded)}`);
    }
    replayedEntries += 1;
  });
  if (replayedEntries > 0) core.lastSourcePosition = positionBuf.toString('utf8', positionStart, positionStart + positionLength);
  if (scan.lastEntrySeq < core.lastEntrySeq) {
    throw new WalCorrupted(`snapshot is at entry ${core.lastEntrySeq} but the WAL ends at ${scan.lastEntrySeq}: committed entries are missing`);
  }
  const report: RecoveryReport = { snapshotSeq, rejectedSnapshots, replayedEntries, lastEntrySeq: core.lastEntrySeq, walSegments: scan.segments };
  if (scan.truncated) report.truncated = scan.truncated;
  return { core, report, collected };
}

/** positionAfter for positions as bytes (canonical decimals are ASCII digits). */
function positionAfter(a: Buffer, aStart: number, aLength: number, b: Buffer, bStart: number, bLength: number): boolean {
  if (aLength !== bLength) return aLength > bLength;
  for (let i = 0; i < aLength; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d > 0;
  }
  return false;
}

/**
 * comparePositions(a, b) > 0 without BigInt, for per-input checks: positions are canonical decimal
 * integer strings (port.ts), so the longer one is larger and equal lengths compare as text.
 */
export function isAfter(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** Outputs blocks are tens of bytes: a loop beats a native compare call. */
function sameBytes(a: Buffer, aStart: number, aEnd: number, b: Buffer, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
