/**
 * Where the log's bytes live. The log core (logStore.ts) owns indexing, concurrency, idempotency
 * and subscriptions; a storage only appends frames durably and reads byte ranges back, so the
 * on-disk and in-memory stores share every rule and differ only here.
 *
 * Offsets are global: the log is one contiguous byte sequence, whatever the segmentation.
 */
export interface LogStorage {
  /** Appends the frames at the current end; resolves once they are durable (fsynced). */
  write(frames: readonly Buffer[], totalBytes: number): Promise<void>;
  /** Reads `length` bytes at global `offset`; the range lies within written data. */
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
  /** fsyncs done so far (benchmarks report it to show every append was synced) */
  readonly syncCount: number;
}

/** What recovery found and did at open. */
export interface RecoveryReport {
  segments: number;
  records: number;
  /** set when a torn or corrupt tail was cut off */
  truncated?: {
    segment: string;
    /** offset in the segment file where the first bad record started */
    atByte: number;
    droppedBytes: number;
    reason: string;
  };
}

/** Called for each valid record, in log order, while a storage is opened. */
export type RecordVisitor = (offset: number, frame: Buffer, frameOffset: number, frameLength: number) => void;
