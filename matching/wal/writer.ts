/**
 * The WAL writer: group commit. Entries are encoded into the open batch as they come; one write
 * + fdatasync per batch; entries arriving while a sync is in flight go into the next batch. An
 * entry is committed — and may become visible — only once its batch's sync has returned.
 *
 * A failed write or sync is final: the writer refuses everything after it, because after a
 * failed fsync the kernel may have dropped the dirty pages and a retry could report success for
 * data that is gone.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { WalEntry } from '../engine/types.js';
import { ByteWriter, encodeEntry } from './codec.js';
import { fsyncDir, listSegments, segmentName } from './segments.js';

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

export class WalFailed extends Error {
  override name = 'WalFailed';
}

export interface WalWriterOptions {
  /** false only for tests that measure the rest; durability needs true */
  fsync?: boolean;
  segmentBytes?: number;
  /** called after each sync; see CommitListener */
  onCommit?: CommitListener;
}

/**
 * Told after each sync: the last committed entry, the source position of that entry, and the
 * batch's records. `records` is the writer's buffer, reused once the call returns: decode what is
 * needed during the call, never keep it.
 */
export type CommitListener = (durableSeq: number, lastSourcePosition: string, records: Buffer) => void;

interface Waiter {
  seq: number;
  resolve(): void;
  reject(error: Error): void;
}

export class WalWriter {
  private batch = new ByteWriter(1 << 20);
  private spare = new ByteWriter(1 << 20);
  private batchLastSeq = 0;
  private batchFirstSeq = 0;
  private batchLastPosition = '';
  private syncing = false;
  private scheduled = false;
  private failure: Error | null = null;
  private waiters: Waiter[] = [];
  private closed = false;
  /** last entry handed to append() */
  appendedSeq: number;
  /** last entry whose batch is synced */
  durableSeq: number;
  syncCount = 0;

  private constructor(
    private readonly walDir: string,
    private handle: FileHandle,
    private segmentSize: number,
    lastSeq: number,
    private readonly fsync: boolean,
    private readonly segmentBytes: number,
    private readonly onCommit: CommitListener | undefined,
  ) {
    this.appendedSeq = lastSeq;
    this.durableSeq = lastSeq;
  }

  /** Opens the WAL for appending after `lastSeq` (the last intact entry recovery found). */
  static async open(walDir: string, lastSeq: number, options: WalWriterOptions = {}): Promise<WalWriter> {
    await mkdir(walDir, { recursive: true });
    const segments = await listSegments(walDir);
    const last = segments.at(-1);
    let handle: FileHandle;
    let size: number;
    if (last === undefined) {
      handle = await open(join(walDir, segmentName(lastSeq + 1)), 'a');
      await handle.sync();
      await fsyncDir(walDir);
      size = 0;
    } else {
      handle = await open(last.path, 'a');
      size = (await handle.stat()).size;
    }
    return new WalWriter(walDir, handle, size, lastSeq, options.fsync ?? true, options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, options.onCommit);
  }

  /** Encodes the entry into the open batch; it commits with the batch's sync. */
  append(entry: WalEntry): void {
    encodeEntry(this.openBatch(entry.entrySeq), entry);
    this.appended(entry.entrySeq, entry.input.sourcePosition);
  }

  /**
   * The open batch, for writing entry `entrySeq`'s framed record straight into it (no entry
   * object); appended() then hands it over. A writer left as it was (an abandoned record) is fine.
   */
  openBatch(entrySeq: number): ByteWriter {
    if (this.failure) throw this.failure;
    if (this.closed) throw new WalFailed('the WAL is closed');
    if (entrySeq !== this.appendedSeq + 1) throw new WalFailed(`entry ${entrySeq} appended after ${this.appendedSeq}`);
    return this.batch;
  }

  /** Entry `entrySeq` (from `sourcePosition`) is in the open batch: it commits with the batch's sync. */
  appended(entrySeq: number, sourcePosition: string): void {
    if (entrySeq !== this.appendedSeq + 1) throw new WalFailed(`entry ${entrySeq} appended after ${this.appendedSeq}`);
    if (this.batchFirstSeq === 0) this.batchFirstSeq = entrySeq;
    this.appendedSeq = entrySeq;
    this.batchLastSeq = entrySeq;
    this.batchLastPosition = sourcePosition;
    this.schedule();
  }

  /** Bytes waiting for the next sync: the engine stops taking input above its bound. */
  get pendingBytes(): number {
    return this.batch.length;
  }

  /** Resolves once entry `seq` is committed (immediately if it already is). */
  whenDurable(seq: number = this.appendedSeq): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (seq <= this.durableSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  get failed(): Error | null {
    return this.failure;
  }

  private schedule(): void {
    if (this.scheduled || this.syncing) return;
    this.scheduled = true;
    // setImmediate, not a microtask: a burst of inputs delivered in one tick shares the first sync
    setImmediate(() => {
      this.scheduled = false;
      void this.syncLoop();
    });
  }

  private async syncLoop(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      while (this.batch.length > 0 && !this.failure) {
        const full = this.batch;
        const lastSeq = this.batchLastSeq;
        const firstSeq = this.batchFirstSeq;
        const lastPosition = this.batchLastPosition;
        this.batch = this.spare;
        this.batch.reset();
        this.batchFirstSeq = 0;
        try {
          if (this.segmentSize >= this.segmentBytes) await this.rotate(firstSeq);
          await this.writeAll(full.buf, full.length);
          if (this.fsync) await this.handle.datasync();
        } catch (error) {
          this.fail(new WalFailed(`WAL write failed: ${(error as Error).message}`));
          return;
        }
        this.segmentSize += full.length;
        this.syncCount += 1;
        this.durableSeq = lastSeq;
        this.release();
        // `full` becomes the spare only after the listener: it reads the records from it
        try {
          this.onCommit?.(lastSeq, lastPosition, full.buf.subarray(0, full.length));
        } finally {
          this.spare = full;
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  private async writeAll(buf: Buffer, length: number): Promise<void> {
    let written = 0;
    while (written < length) {
      const { bytesWritten } = await this.handle.write(buf, written, length - written);
      written += bytesWritten;
    }
  }

  /** New segment for the batch starting at firstSeq; the old one is already synced. */
  private async rotate(firstSeq: number): Promise<void> {
    await this.handle.close();
    this.handle = await open(join(this.walDir, segmentName(firstSeq)), 'a');
    await this.handle.sync();
    await fsyncDir(this.walDir);
    this.segmentSize = 0;
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= this.durableSeq);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.seq > this.durableSeq);
    for (const w of ready) w.resolve();
  }

  private fail(error: Error): void {
    this.failure = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }

  /** Commits what is pending, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.failure && this.appendedSeq > this.durableSeq) await this.whenDurable(this.appendedSeq);
    this.closed = true;
    await this.handle.close();
  }
}
