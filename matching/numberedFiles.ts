import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Files named by a 16-digit sequence number and an extension (`0000000000001000.wal`,
 * `…​.snap`): the zero padding makes name order equal number order.
 */
export interface NumberedFile {
  seq: number;
  path: string;
}

export function numberedFileName(seq: number, extension: string): string {
  return `${String(seq).padStart(16, '0')}.${extension}`;
}

/** The directory's files of that extension, ascending by number; none when the directory is missing. */
export async function listNumberedFiles(dir: string, extension: string): Promise<NumberedFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const pattern = new RegExp(`^(\\d{16})\\.${extension}$`);
  return names
    .map((name) => pattern.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ seq: Number(m[1]), path: join(dir, m[0]) }))
    .sort((a, b) => a.seq - b.seq);
}
