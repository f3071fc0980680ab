/**
 * Recovery = the newest valid snapshot + the WAL entries after it (DESIGN §7).
 *
 * A snapshot that fails its checksum, its decoding, or its own state hash after restoring is
 * reported and the previous one is tried; with none left the whole WAL is replayed. Each replayed
 * entry must reproduce exactly the outputs it recorded (compared byte for byte in WAL encoding):
 * a difference means the book or the engine is no longer deterministic, and the engine must not
 * run on — EngineInvariantBroken.
 */
import { join } from 'node:path';
import { comparePositions } from '../../eventstore/port.js';
import type { OrderBook } from '../book/types.js';
import { listSnapshots, readSnapshot } from '../snapshot/store.js';
import { ByteWriter, decodeEntry, encodeOutputs } from '../wal/codec.js';
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

  const scan = await scanWal(walDirOf(options.dir), { fromSeq: Math.min(replayFrom, collectFrom), repair: options.repair ?? true, withSource: false }, (view, buf, payloadStart, payloadEnd) => {
    if (view.entrySeq >= collectFrom) collected.push(decodeEntry(buf, payloadStart, payloadEnd));
    if (view.entrySeq < replayFrom) return;
    if (view.entrySeq !== recovering.lastEntrySeq + 1) throw new WalCorrupted(`entry ${view.entrySeq} follows ${recovering.lastEntrySeq}`);
    if (view.expectedMarketRevision !== recovering.marketRevision) {
      throw new EngineInvariantBroken(`entry ${view.entrySeq} expects market revision ${view.expectedMarketRevision}, replay is at ${recovering.marketRevision}`);
    }
    if (recovering.lastEntrySeq > 0 && comparePositions(view.input.sourcePosition, recovering.lastSourcePosition) <= 0) {
      throw new EngineInvariantBroken(`entry ${view.entrySeq} source position ${view.input.sourcePosition} does not follow ${recovering.lastSourcePosition}`);
    }
    const entry = recovering.step(view.input);
    scratch.reset();
    encodeOutputs(scratch, entry.outputs);
    if (scratch.length !== view.outputsEnd - view.outputsStart
        || scratch.buf.compare(buf, view.outputsStart, view.outputsEnd, 0, scratch.length) !== 0) {
      const recorded = decodeEntry(buf, payloadStart, payloadEnd).outputs;
      throw new EngineInvariantBroken(`replay of entry ${view.entrySeq} gave ${JSON.stringify(entry.outputs)}, the WAL recorded ${JSON.stringify(recorded)}`);
    }
    replayedEntries += 1;
  });
  if (scan.lastEntrySeq < core.lastEntrySeq) {
    throw new WalCorrupted(`snapshot is at entry ${core.lastEntrySeq} but the WAL ends at ${scan.lastEntrySeq}: committed entries are missing`);
  }
  const report: RecoveryReport = { snapshotSeq, rejectedSnapshots, replayedEntries, lastEntrySeq: core.lastEntrySeq, walSegments: scan.segments };
  if (scan.truncated) report.truncated = scan.truncated;
  return { core, report, collected };
}
