/** WAL segment files: `{firstEntrySeq, 16 digits}.wal` in the WAL directory, in seq order. */
import { listNumberedFiles, numberedFileName } from '../numberedFiles.js';

export interface SegmentFile {
  firstSeq: number;
  path: string;
}

export function segmentName(firstSeq: number): string {
  return numberedFileName(firstSeq, 'wal');
}

/** Ascending by first entry seq. */
export async function listSegments(walDir: string): Promise<SegmentFile[]> {
  return (await listNumberedFiles(walDir, 'wal')).map(({ seq, path }) => ({ firstSeq: seq, path }));
}

export { fsyncDir } from '../../eventstore/atomicFile.js';
