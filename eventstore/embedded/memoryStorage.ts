import type { LogStorage } from './storage.js';

/** Storage for unit tests: the same frames as on disk, kept in memory, "durable" at once. */
export class MemoryStorage implements LogStorage {
  private readonly chunks: Buffer[] = [];
  private readonly chunkOffsets: number[] = [];
  private end = 0;
  syncCount = 0;

  async write(frames: readonly Buffer[], totalBytes: number): Promise<void> {
    this.chunkOffsets.push(this.end);
    this.chunks.push(Buffer.concat(frames, totalBytes));
    this.end += totalBytes;
    this.syncCount += 1;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    let lo = 0;
    let hi = this.chunkOffsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunkOffsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const parts: Buffer[] = [];
    let remaining = length;
    let at = offset;
    for (let i = lo; remaining > 0 && i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      const start = at - this.chunkOffsets[i]!;
      const piece = chunk.subarray(start, Math.min(chunk.length, start + remaining));
      parts.push(piece);
      remaining -= piece.length;
      at += piece.length;
    }
    if (remaining > 0) throw new RangeError(`read past the end of the in-memory log: ${offset}+${length}`);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
  }

  async close(): Promise<void> {}
}
