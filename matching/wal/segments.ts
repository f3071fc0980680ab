/** WAL segment files: `{firstEntrySeq, 16 digits}.wal` in the WAL directory, in seq order. */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT_NAME = /^(\d{16})\.wal$/;

export interface SegmentFile {
  firstSeq: number;
  path: string;
}

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(16, '0')}.wal`;
}

export async function listSegments(walDir: string): Promise<SegmentFile[]> {
  let names: string[];
  try {
    names = await readdir(walDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => SEGMENT_NAME.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ firstSeq: Number(m[1]), path: join(walDir, m[0]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** fsync a directory so a created, renamed or deleted name in it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
