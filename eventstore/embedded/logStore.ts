import { EventStoreError, InvalidEventData, StoreClosed, StoreCorrupted, StreamNotFound, WrongExpectedVersion } from '../errors.js';
import {
  ANY,
  NO_STREAM,
  START_POSITION,
  type AllSubscription,
  type AppendResult,
  type EventFilter,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '../port.js';
import { decodeEvent, decodeHead, encodeRecord, streamStartsWith, type RecordHead } from './codec.js';
import { OffsetList } from './offsetList.js';
import type { LogStorage } from './storage.js';
import { LogSubscription, matches, type LogRecord, type SubscriptionSource } from './subscription.js';

interface StreamState {
  /** global record index of each revision, durable and pending alike */
  records: number[];
  /** how many of `records` are durable (visible to readers) */
  committed: number;
  /** id of the newest event, durable or pending: the cheap first test of ANY-deduplication */
  lastId: string;
}

interface PendingRecord {
  index: number;
  stream: StreamState;
  streamName: string;
  id: string;
  type: string;
  revision: number;
  createdMs: number;
  frame: Buffer;
}

interface Batch {
  frames: Buffer[];
  records: PendingRecord[];
  bytes: number;
  /** record index just past this batch */
  endIndex: number;
  done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // a failed batch is reported through each append's own promise; this one must not be "unhandled"
  done.catch(() => undefined);
  return { frames: [], records: [], bytes: 0, endIndex: 0, done, resolve, reject };
}

/** Catch-up pages: bounded in records and bytes. */
const PAGE_RECORDS = 512;
const PAGE_BYTES = 4 * 1024 * 1024;

/**
 * A durable record of a page read: the head is decoded only when a filter asks for it, and the
 * event at most once, reusing the head's strings (a replay decodes millions of these).
 */
class FrameRecord implements LogRecord {
  private decodedHead: RecordHead | undefined;
  private decoded: RecordedEvent | undefined;

  constructor(
    readonly index: number,
    /** the frame's global offset: its position is this + 1 */
    private readonly offset: number,
    private readonly buffer: Buffer,
    private readonly frameOffset: number,
    private readonly frameLength: number,
  ) {}

  get position(): Position {
    return String(this.offset + 1);
  }

  get head(): RecordHead {
    return (this.decodedHead ??= decodeHead(this.buffer, this.frameOffset, this.frameLength));
  }

  matches(filter: EventFilter | undefined): boolean {
    if (!filter) return true;
    // event types need the type string; stream prefixes alone are answered from the bytes
    if (filter.eventTypes || this.decodedHead) return matches(filter, this.head);
    const prefixes = filter.streamPrefixes;
    if (!prefixes) return true;
    for (let i = 0; i < prefixes.length; i++) if (streamStartsWith(this.buffer, this.frameOffset, prefixes[i]!)) return true;
    return false;
  }

  event(): RecordedEvent {
    return (this.decoded ??= decodeEvent(this.buffer, this.frameOffset, this.frameLength, this.position, this.decodedHead));
  }
}

/**
 * A record of a batch just made durable, as live subscriptions receive it: the head is the one
 * the append knew, and the event is decoded at most once from the frame (a copy), so
 * subscribers never share the caller's objects.
 */
class CommittedRecord implements LogRecord {
  readonly index: number;
  readonly head: RecordHead;
  private decoded: RecordedEvent | undefined;

  constructor(
    private readonly record: PendingRecord,
    readonly position: Position,
  ) {
    this.index = record.index;
    this.head = { stream: record.streamName, id: record.id, type: record.type, revision: record.revision, createdMs: record.createdMs };
  }

  matches(filter: EventFilter | undefined): boolean {
    return matches(filter, this.head);
  }

  event(): RecordedEvent {
    // the head's strings are immutable: sharing them with the append's caller is safe
    return (this.decoded ??= decodeEvent(this.record.frame, 0, this.record.frame.length, this.position, this.head));
  }
}

function parsePosition(position: Position): number {
  if (typeof position !== 'string' || !/^\d{1,16}$/.test(position)) throw new InvalidEventData(`invalid position ${JSON.stringify(position)}`);
  return Number(position);
}

export interface LogStoreStats {
  records: number;
  streams: number;
  syncCount: number;
  headPosition: Position;
}

/**
 * The event store's rules over a LogStorage (DESIGN §3.2–3.3): stream index, optimistic
 * concurrency, EventStoreDB idempotency, group commit, `$all` reads and subscriptions.
 *
 * Concurrency checks and revision assignment are synchronous, so they see earlier appends even
 * while those wait for their fsync; readers and subscriptions see only durable records.
 * Positions are the record's global byte offset + 1 (so every position is > START_POSITION).
 */
export class LogStore implements EventStore, SubscriptionSource {
  private readonly offsets = new OffsetList();
  private readonly streams = new Map<string, StreamState>();
  /** ids of records not yet durable, by record index (durable ones are read back from the log) */
  private readonly pendingIds = new Map<number, string>();
  private storage!: LogStorage;
  private endOffset = 0;
  committedCount = 0;
  private lastCreatedMs = 0;
  private queued: Batch | null = null;
  private inflight: Batch | null = null;
  private flushScheduled = false;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly live = new Set<LogSubscription>();
  private readonly subscriptions = new Set<LogSubscription>();

  /** Rebuilds the index from one durable record; called in log order before `start`. */
  recover(offset: number, frame: Buffer, frameOffset: number, frameLength: number): void {
    const head = decodeHead(frame, frameOffset, frameLength);
    let stream = this.streams.get(head.stream);
    if (!stream) {
      stream = { records: [], committed: 0, lastId: '' };
      this.streams.set(head.stream, stream);
    }
    if (head.revision !== stream.records.length) {
      throw new StoreCorrupted(`record at offset ${offset} has revision ${head.revision} of ${head.stream}, expected ${stream.records.length}`);
    }
    if (offset !== this.endOffset) throw new StoreCorrupted(`record at offset ${offset}, expected ${this.endOffset}`);
    stream.records.push(this.offsets.length);
    stream.committed += 1;
    stream.lastId = head.id;
    this.offsets.push(offset);
    this.committedCount += 1;
    this.endOffset = offset + frameLength;
    this.lastCreatedMs = Math.max(this.lastCreatedMs, head.createdMs);
  }

  start(storage: LogStorage): this {
    this.storage = storage;
    return this;
  }

  // ---- append ------------------------------------------------------------------------------

  append(stream: string, events: EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const blocked = this.writeBlocker();
    if (blocked) return Promise.reject(blocked);
    if (events.length === 0) return Promise.reject(new InvalidEventData('an append needs at least one event'));
    const state = this.streams.get(stream);
    const current = state ? state.records.length - 1 : -1;
    if (expectedRevision === ANY) {
      const lastId = events[events.length - 1]!.id;
      if (state && state.lastId === lastId && events.length <= state.records.length) return this.appendAnyDeduplicated(stream, events);
      return this.enqueue(stream, events);
    }
    const expected = expectedRevision === NO_STREAM ? -1 : expectedRevision;
    if (expected === current) return this.enqueue(stream, events);
    if (state && expected < current && expected + events.length <= current) {
      return this.appendIdempotent(stream, state, events, expected, expectedRevision);
    }
    return this.conflict(stream, state, expectedRevision);
  }

  /**
   * Rejected only once the competing events are durable, so that a caller who re-reads the
   * stream to retry sees them (otherwise it would re-read the same state and conflict again).
   */
  private async conflict(stream: string, state: StreamState | undefined, expectedRevision: ExpectedRevision): Promise<never> {
    if (state && state.committed < state.records.length) await this.durable(state.records.at(-1)!);
    const current = state ? state.records.length - 1 : -1;
    throw new WrongExpectedVersion(stream, expectedRevision, current < 0 ? NO_STREAM : current);
  }

  /**
   * DESIGN §3.3: the events right after the expected revision are already there. Same ids →
   * the original result, nothing written; any difference → WrongExpectedVersion.
   */
  private async appendIdempotent(stream: string, state: StreamState, events: EventData[], expected: number, expectedRevision: ExpectedRevision): Promise<AppendResult> {
    const indices = state.records.slice(expected + 1, expected + 1 + events.length);
    const ids = await this.idsOf(indices);
    if (!ids.every((id, i) => id === events[i]!.id)) return this.conflict(stream, state, expectedRevision);
    const last = indices.at(-1)!;
    await this.durable(last);
    return { nextRevision: expected + events.length, position: this.positionOf(last) };
  }

  /**
   * ANY is deduplicated only when the append repeats the stream's newest events exactly (a
   * retried last append) — best effort, as in EventStoreDB; otherwise the events are written.
   */
  private async appendAnyDeduplicated(stream: string, events: EventData[]): Promise<AppendResult> {
    const state = this.streams.get(stream)!;
    const lastRevision = state.records.length - 1;
    const indices = state.records.slice(state.records.length - events.length);
    const ids = await this.idsOf(indices);
    if (ids.every((id, i) => id === events[i]!.id)) {
      await this.durable(indices.at(-1)!);
      return { nextRevision: lastRevision, position: this.positionOf(indices.at(-1)!) };
    }
    const blocked = this.writeBlocker();
    if (blocked) throw blocked;
    return this.enqueue(stream, events);
  }

  private enqueue(streamName: string, events: EventData[]): Promise<AppendResult> {
    let state = this.streams.get(streamName);
    const firstRevision = state ? state.records.length : 0;
    const createdMs = Math.max(Date.now(), this.lastCreatedMs);
    let frames: Buffer[];
    try {
      frames = events.map((event, i) => encodeRecord(streamName, event, firstRevision + i, createdMs));
    } catch (error) {
      return Promise.reject(new InvalidEventData(`cannot encode event: ${(error as Error).message}`));
    }
    // From here on nothing throws: the index changes and the batch entry happen together.
    if (!state) {
      state = { records: [], committed: 0, lastId: '' };
      this.streams.set(streamName, state);
    }
    this.lastCreatedMs = createdMs;
    const batch = (this.queued ??= newBatch());
    let lastOffset = 0;
    for (let i = 0; i < events.length; i++) {
      const frame = frames[i]!;
      const index = this.offsets.length;
      lastOffset = this.endOffset;
      this.offsets.push(this.endOffset);
      this.endOffset += frame.length;
      state.records.push(index);
      this.pendingIds.set(index, events[i]!.id);
      batch.frames.push(frame);
      batch.bytes += frame.length;
      batch.records.push({ index, stream: state, streamName, id: events[i]!.id, type: events[i]!.type, revision: firstRevision + i, createdMs, frame });
    }
    state.lastId = events[events.length - 1]!.id;
    batch.endIndex = this.offsets.length;
    this.scheduleFlush();
    const result: AppendResult = { nextRevision: firstRevision + events.length - 1, position: String(lastOffset + 1) };
    return batch.done.then(() => result);
  }

  // ---- group commit ------------------------------------------------------------------------

  /**
   * Appends made while a batch is being written and fsynced wait in `queued`; the next batch
   * starts on the following turn of the event loop, so writers woken by the previous fsync join it.
   */
  private scheduleFlush(): void {
    if (this.inflight || this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queued;
    if (!batch || this.inflight || this.failure) return;
    this.queued = null;
    this.inflight = batch;
    this.storage.write(batch.frames, batch.bytes).then(
      () => {
        this.inflight = null;
        this.commit(batch);
        batch.resolve();
        if (this.queued) this.scheduleFlush();
      },
      (error: unknown) => {
        this.inflight = null;
        this.fail(new EventStoreError(`event log write failed, store stopped: ${(error as Error).message}`), batch);
      },
    );
  }

  private commit(batch: Batch): void {
    for (const record of batch.records) {
      record.stream.committed += 1;
      this.pendingIds.delete(record.index);
    }
    this.committedCount = batch.endIndex;
    if (this.live.size === 0) return;
    const logRecords = batch.records.map((r) => this.pendingToLogRecord(r));
    for (const subscription of [...this.live]) subscription.onCommit(logRecords);
  }

  /** A failed write leaves the log's state unknown: stop, fail every waiter and subscription. */
  private fail(error: Error, batch: Batch): void {
    this.failure = error;
    batch.reject(error);
    this.queued?.reject(error);
    this.queued = null;
    for (const subscription of [...this.subscriptions]) subscription.end(error);
  }

  private writeBlocker(): Error | null {
    if (this.closing) return new StoreClosed();
    return this.failure;
  }

  private async durable(index: number): Promise<void> {
    if (index < this.committedCount) return;
    const batch = this.inflight && index < this.inflight.endIndex ? this.inflight : this.queued;
    if (batch) await batch.done;
    else if (this.failure) throw this.failure;
  }

  // ---- reads -------------------------------------------------------------------------------

  private frameLength(index: number): number {
    const next = index + 1 < this.offsets.length ? this.offsets.get(index + 1) : this.endOffset;
    return next - this.offsets.get(index);
  }

  positionOf(index: number): Position {
    return String(this.offsets.get(index) + 1);
  }

  /** Reads the frames of consecutive records [from, to) in one storage read. */
  private async readRun(from: number, to: number): Promise<{ buffer: Buffer; base: number }> {
    const base = this.offsets.get(from);
    const end = to < this.offsets.length ? this.offsets.get(to) : this.endOffset;
    return { buffer: await this.storage.read(base, end - base), base };
  }

  private toLogRecord(index: number, buffer: Buffer, frameOffset: number, frameLength: number): LogRecord {
    return new FrameRecord(index, this.offsets.get(index), buffer, frameOffset, frameLength);
  }

  private pendingToLogRecord(record: PendingRecord): LogRecord {
    return new CommittedRecord(record, this.positionOf(record.index));
  }

  /** Durable records [fromIndex, endIndex) — at most one page of them. */
  readPage(fromIndex: number, endIndex: number): Promise<LogRecord[]> {
    let to = fromIndex;
    let bytes = 0;
    const limit = Math.min(endIndex, this.committedCount, fromIndex + PAGE_RECORDS);
    while (to < limit && (to === fromIndex || bytes < PAGE_BYTES)) {
      bytes += this.frameLength(to);
      to += 1;
    }
    return this.readExactPage(fromIndex, to);
  }

  /** The last page ending at `lastIndex` (inclusive), bounded like `readPage`. */
  private readPageBefore(lastIndex: number): Promise<LogRecord[]> {
    let from = lastIndex;
    let bytes = this.frameLength(lastIndex);
    while (from > 0 && lastIndex - from + 1 < PAGE_RECORDS && bytes < PAGE_BYTES) {
      from -= 1;
      bytes += this.frameLength(from);
    }
    return this.readExactPage(from, lastIndex + 1);
  }

  private async readExactPage(fromIndex: number, to: number): Promise<LogRecord[]> {
    if (to <= fromIndex) return [];
    const { buffer, base } = await this.readRun(fromIndex, to);
    const records: LogRecord[] = [];
    for (let index = fromIndex; index < to; index++) {
      records.push(this.toLogRecord(index, buffer, this.offsets.get(index) - base, this.frameLength(index)));
    }
    return records;
  }

  /** Records by index, in the given order, reading each run of consecutive indices at once. */
  private async readRecords(indices: readonly number[]): Promise<RecordedEvent[]> {
    const sorted = [...indices].sort((a, b) => a - b);
    const byIndex = new Map<number, RecordedEvent>();
    let runStart = 0;
    while (runStart < sorted.length) {
      let runEnd = runStart + 1;
      let bytes = this.frameLength(sorted[runStart]!);
      while (runEnd < sorted.length && sorted[runEnd] === sorted[runEnd - 1]! + 1 && bytes < PAGE_BYTES) {
        bytes += this.frameLength(sorted[runEnd]!);
        runEnd += 1;
      }
      const { buffer, base } = await this.readRun(sorted[runStart]!, sorted[runEnd - 1]! + 1);
      for (let i = runStart; i < runEnd; i++) {
        const index = sorted[i]!;
        byIndex.set(index, decodeEvent(buffer, this.offsets.get(index) - base, this.frameLength(index), this.positionOf(index)));
      }
      runStart = runEnd;
    }
    return indices.map((index) => byIndex.get(index)!);
  }

  /** Event ids of records; pending ones are taken before the first await, while still pending. */
  private async idsOf(indices: readonly number[]): Promise<string[]> {
    const ids = indices.map((index) => (index >= this.committedCount ? this.pendingIds.get(index) : undefined));
    const durable = indices.filter((index, i) => ids[i] === undefined);
    if (durable.length > 0) {
      const events = await this.readRecords(durable);
      const byIndex = new Map(durable.map((index, i) => [index, events[i]!.id]));
      return indices.map((index, i) => ids[i] ?? byIndex.get(index)!);
    }
    return ids as string[];
  }

  private assertReadable(): void {
    if (this.closing) throw new StoreClosed();
    if (this.failure) throw this.failure;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertReadable();
    const state = this.streams.get(stream);
    if (!state || state.committed === 0) throw new StreamNotFound(stream);
    const last = state.committed - 1;
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (maxCount <= 0) return [];
    const from = options.fromRevision;
    if ((options.direction ?? 'forwards') === 'forwards') {
      const first = from === undefined || from === 'start' ? 0 : from === 'end' ? last + 1 : from;
      const end = Math.min(last + 1, first + maxCount);
      return first < end ? this.readRecords(state.records.slice(first, end)) : [];
    }
    const first = from === undefined || from === 'end' ? last : from === 'start' ? 0 : Math.min(from, last);
    const end = Math.max(0, first - maxCount + 1);
    return this.readRecords(state.records.slice(end, first + 1).reverse());
  }

  /** Index of the first record whose position is greater than `position`. */
  private firstIndexAfter(position: Position): number {
    return this.offsets.lowerBound(parsePosition(position));
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        self.assertReadable();
        const end = self.committedCount;
        let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
        const from = options.fromPosition;
        if (options.direction === 'backwards') {
          let next = from === undefined || from === 'end' ? end - 1 : from === 'start' ? -1 : Math.min(end, self.firstIndexAfter(String(Math.max(0, parsePosition(from) - 1)))) - 1;
          while (next >= 0 && remaining > 0) {
            const page = await self.readPageBefore(next);
            const pageStart = page[0]!.index;
            for (let i = page.length - 1; i >= 0 && remaining > 0; i--) {
              const record = page[i]!;
              if (options.filter && !record.matches(options.filter)) continue;
              remaining -= 1;
              yield record.event();
            }
            next = pageStart - 1;
          }
          return;
        }
        let next = from === undefined || from === 'start' ? 0 : from === 'end' ? end : self.firstIndexAfter(from);
        while (next < end && remaining > 0) {
          const page = await self.readPage(next, end);
          for (const record of page) {
            if (remaining <= 0) break;
            if (options.filter && !record.matches(options.filter)) continue;
            remaining -= 1;
            yield record.event();
          }
          next = page.at(-1)!.index + 1;
        }
      },
    };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    this.assertReadable();
    const from = options.fromPosition ?? START_POSITION;
    const subscription = new LogSubscription(this, this.firstIndexAfter(from), options.filter);
    this.subscriptions.add(subscription);
    return subscription;
  }

  addLive(subscription: LogSubscription): void {
    this.live.add(subscription);
  }

  removeLive(subscription: LogSubscription): void {
    this.live.delete(subscription);
  }

  forget(subscription: LogSubscription): void {
    this.subscriptions.delete(subscription);
  }

  async headPosition(): Promise<Position> {
    this.assertReadable();
    return this.committedCount > 0 ? this.positionOf(this.committedCount - 1) : START_POSITION;
  }

  stats(): LogStoreStats {
    return {
      records: this.committedCount,
      streams: this.streams.size,
      syncCount: this.storage.syncCount,
      headPosition: this.committedCount > 0 ? this.positionOf(this.committedCount - 1) : START_POSITION,
    };
  }

  /** Waits for every accepted append to be durable, ends subscriptions, releases the files. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.inflight || this.queued) {
        const batch = (this.inflight ?? this.queued)!;
        if (!this.inflight) this.flush();
        await batch.done.catch(() => undefined);
        if (this.failure) break;
      }
      for (const subscription of [...this.subscriptions]) subscription.end(null);
      this.subscriptions.clear();
      this.live.clear();
      await this.storage.close();
    })();
    return this.closing;
  }
}
