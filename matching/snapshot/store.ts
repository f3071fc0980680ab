/**
 * Snapshot files of the engine state: `{lastEntrySeq, 16 digits}.snap`, written atomically
 * (temp file, fsync, rename, fsync directory), the newest SNAPSHOTS_KEPT kept.
 *
 *   "OECSNAP1" | u32 payloadLength | u32 crc32(payload) | payload (JSON of SnapshotPayload)
 *
 * JSON because a snapshot is written every N entries, not per input, and stays inspectable.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { isAtomicTempName, writeFileAtomic } from '../../eventstore/atomicFile.js';
import type { CoreImage } from '../engine/core.js';
import { listNumberedFiles, numberedFileName } from '../numberedFiles.js';
import { fsyncDir } from '../wal/segments.js';

export const SNAPSHOTS_KEPT = 2;
const MAGIC = Buffer.from('OECSNAP1', 'latin1');
const HEADER_BYTES = MAGIC.length + 8;
const FORMAT_VERSION = 1;

export interface SnapshotPayload {
  formatVersion: number;
  symbol: string;
  image: CoreImage;
}

export class SnapshotInvalid extends Error {
  override name = 'SnapshotInvalid';
}

export interface SnapshotFile {
  lastEntrySeq: number;
  path: string;
}

export function snapshotName(lastEntrySeq: number): string {
  return numberedFileName(lastEntrySeq, 'snap');
}

/** Newest first. */
export async function listSnapshots(dir: string): Promise<SnapshotFile[]> {
  return (await listNumberedFiles(dir, 'snap')).map(({ seq, path }) => ({ lastEntrySeq: seq, path })).reverse();
}

export function encodeSnapshot(payload: SnapshotPayload): Buffer {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(body.length, MAGIC.length);
  header.writeUInt32LE(crc32(body), MAGIC.length + 4);
  return Buffer.concat([header, body]);
}

export function decodeSnapshot(buf: Buffer, expectedSymbol: string, expectedSeq: number): SnapshotPayload {
  if (buf.length < HEADER_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new SnapshotInvalid('not a snapshot file');
  const length = buf.readUInt32LE(MAGIC.length);
  if (HEADER_BYTES + length !== buf.length) throw new SnapshotInvalid(`payload of ${length} bytes in a file of ${buf.length}`);
  const body = buf.subarray(HEADER_BYTES);
  if (crc32(body) !== buf.readUInt32LE(MAGIC.length + 4)) throw new SnapshotInvalid('checksum mismatch');
  let payload: SnapshotPayload;
  try {
    payload = JSON.parse(body.toString('utf8')) as SnapshotPayload;
  } catch (error) {
    throw new SnapshotInvalid(`unreadable payload: ${(error as Error).message}`);
  }
  if (payload.formatVersion !== FORMAT_VERSION) throw new SnapshotInvalid(`format version ${payload.formatVersion}`);
  if (payload.symbol !== expectedSymbol) throw new SnapshotInvalid(`snapshot of ${payload.symbol}, engine of ${expectedSymbol}`);
  if (payload.image?.lastEntrySeq !== expectedSeq) throw new SnapshotInvalid(`file name says entry ${expectedSeq}, content ${payload.image?.lastEntrySeq}`);
  return payload;
}

export async function readSnapshot(file: SnapshotFile, symbol: string): Promise<SnapshotPayload> {
  return decodeSnapshot(await readFile(file.path), symbol, file.lastEntrySeq);
}

/** Atomic: a crash leaves either the old set of snapshots or the new one, never a torn file. */
export async function writeSnapshot(dir: string, image: CoreImage, symbol: string): Promise<string> {
  const bytes = encodeSnapshot({ formatVersion: FORMAT_VERSION, symbol, image });
  const path = join(dir, snapshotName(image.lastEntrySeq));
  await writeFileAtomic(path, bytes);
  await pruneSnapshots(dir);
  return path;
}

async function pruneSnapshots(dir: string): Promise<void> {
  const all = await listSnapshots(dir);
  const stale = all.slice(SNAPSHOTS_KEPT);
  for (const file of stale) await rm(file.path, { force: true });
  const temps = (await readdir(dir)).filter(isAtomicTempName);
  for (const name of temps) await rm(join(dir, name), { force: true });
  if (stale.length > 0 || temps.length > 0) await fsyncDir(dir);
}
