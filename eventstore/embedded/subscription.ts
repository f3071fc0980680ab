import { START_POSITION, type AllSubscription, type EventFilter, type Position, type RecordedEvent, type SubscriptionMessage } from '../port.js';
import type { RecordHead } from './codec.js';

/** A record as the log core hands it to subscriptions: indexing fields plus a lazy decode. */
export interface LogRecord {
  index: number;
  head: RecordHead;
  position: Position;
  event(): RecordedEvent;
  /** the filter test; a record read from a page answers it from the bytes when it can */
  matches(filter: EventFilter | undefined): boolean;
}

/** What a subscription needs from the log core (logStore.ts). */
export interface SubscriptionSource {
  readonly committedCount: number;
  /** committed records from `fromIndex`, up to `endIndex` (exclusive), at most one page */
  readPage(fromIndex: number, endIndex: number): Promise<LogRecord[]>;
  positionOf(index: number): Position;
  addLive(subscription: LogSubscription): void;
  removeLive(subscription: LogSubscription): void;
  forget(subscription: LogSubscription): void;
}

/**
 * Live events buffered beyond this make the subscription drop back to reading the log, so a
 * slow consumer costs disk reads, never unbounded memory or a stalled writer.
 */
export const LIVE_BUFFER_LIMIT = 4096;

export function matches(filter: EventFilter | undefined, head: RecordHead): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(head.type)) return false;
  const prefixes = filter.streamPrefixes;
  if (prefixes) {
    // a plain loop: this runs for every record of every filtered subscription
    const stream = head.stream;
    for (let i = 0; i < prefixes.length; i++) if (stream.startsWith(prefixes[i]!)) return true;
    return false;
  }
  return true;
}

/**
 * Catch-up then live over the log. `nextIndex` is the first record not yet examined; catch-up
 * reads pages until it reaches the committed end and then, in the same synchronous step,
 * registers for live commits, so no commit can fall between the two.
 */
export class LogSubscription implements AllSubscription, AsyncIterator<SubscriptionMessage> {
  private buffer: SubscriptionMessage[] = [];
  private bufferHead = 0;
  private live = false;
  private closed = false;
  private failure: Error | null = null;
  private caughtUpSent = false;
  private waiters: Array<() => void> = [];
  private readonly filtered: boolean;

  constructor(
    private readonly source: SubscriptionSource,
    private nextIndex: number,
    private readonly filter: EventFilter | undefined,
  ) {
    this.filtered = filter !== undefined && (filter.eventTypes !== undefined || filter.streamPrefixes !== undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return this;
  }

  async next(): Promise<IteratorResult<SubscriptionMessage>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      if (this.bufferHead < this.buffer.length) return { done: false, value: this.shift() };
      if (this.failure) throw this.failure;
      if (!this.live) await this.catchUpStep();
      else await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async return(): Promise<IteratorResult<SubscriptionMessage>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.bufferHead = 0;
    this.source.removeLive(this);
    this.source.forget(this);
    this.wake();
  }

  /** The store stopped (closed or failed); `error` surfaces from next(). */
  end(error: Error | null): void {
    if (error) this.failure = error;
    else this.closed = true;
    this.live = false;
    this.source.removeLive(this);
    this.wake();
  }

  /** Called synchronously by the log core after each durable batch, in log order. */
  onCommit(records: readonly LogRecord[]): void {
    if (this.closed || !this.live || records.length === 0) return;
    const first = records[0]!.index;
    if (first > this.nextIndex || this.buffered() >= LIVE_BUFFER_LIMIT) {
      this.live = false;
      this.source.removeLive(this);
      this.wake();
      return;
    }
    let skippedLast = false;
    for (const record of records) {
      if (record.index < this.nextIndex) continue;
      if (!this.filtered || record.matches(this.filter)) {
        this.buffer.push({ kind: 'event', event: record.event() });
        skippedLast = false;
      } else skippedLast = true;
    }
    this.nextIndex = Math.max(this.nextIndex, records.at(-1)!.index + 1);
    if (skippedLast && this.filtered) this.pushCheckpoint(records.at(-1)!.position);
    this.wake();
  }

  private async catchUpStep(): Promise<void> {
    const end = this.source.committedCount;
    if (this.nextIndex >= end) {
      this.live = true;
      this.source.addLive(this);
      if (!this.caughtUpSent) {
        this.caughtUpSent = true;
        this.buffer.push({ kind: 'caughtUp', position: end > 0 ? this.source.positionOf(end - 1) : START_POSITION });
      }
      return;
    }
    let page: LogRecord[];
    try {
      page = await this.source.readPage(this.nextIndex, end);
    } catch (error) {
      if (this.closed) return;
      throw error;
    }
    if (this.closed || page.length === 0) return;
    let skippedLast = false;
    for (const record of page) {
      if (!this.filtered || record.matches(this.filter)) {
        this.buffer.push({ kind: 'event', event: record.event() });
        skippedLast = false;
      } else skippedLast = true;
    }
    this.nextIndex = page.at(-1)!.index + 1;
    if (skippedLast && this.filtered) this.pushCheckpoint(page.at(-1)!.position);
  }

  private pushCheckpoint(position: Position): void {
    const last = this.buffer.length > this.bufferHead ? this.buffer.at(-1) : undefined;
    // consecutive checkpoints say the same thing; keep only the latest
    if (last?.kind === 'checkpoint') last.position = position;
    else this.buffer.push({ kind: 'checkpoint', position });
  }

  private buffered(): number {
    return this.buffer.length - this.bufferHead;
  }

  private shift(): SubscriptionMessage {
    const message = this.buffer[this.bufferHead]!;
    this.bufferHead += 1;
    if (this.bufferHead === this.buffer.length) {
      this.buffer = [];
      this.bufferHead = 0;
    } else if (this.bufferHead >= 1024 && this.bufferHead * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.bufferHead);
      this.bufferHead = 0;
    }
    return message;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
