/**
 * Ships committed WAL entries to market-{symbol} (DESIGN §7, §8): one append per entry with the
 * expected revision recorded in the entry and ids derived from the entry, so re-appending an
 * entry that already made it is a no-op in the store (EventStoreDB idempotency, §3.3). That is
 * the transactional outbox: the WAL is the outbox, the stream the destination.
 *
 * Where to resume comes from the stream itself (its last event's `walEntrySeq`), never from the
 * checkpoint file, which is only a progress note for operators. Appends are pipelined up to
 * maxInFlight; any failure drains the pipeline, re-reads the stream head and resumes from there;
 * the same entry failing MAX_ATTEMPTS times in a row is a hard error (the stream holds events
 * that are not this WAL's).
 */
import { rename, writeFile } from 'node:fs/promises';
import { StreamNotFound } from '../../eventstore/errors.js';
import { NO_STREAM, type EventStore } from '../../eventstore/port.js';
import { streams } from '../../eventstore/streams.js';
import { marketAppendOf } from '../engine/events.js';
import type { InstrumentGrid } from '../engine/instrument.js';
import type { WalEntry } from '../engine/types.js';

export const DEFAULT_MAX_IN_FLIGHT = 64;
const MAX_ATTEMPTS = 5;
const CHECKPOINT_EVERY_ENTRIES = 1000;

export class PublisherFailed extends Error {
  override name = 'PublisherFailed';
}

export interface PublisherOptions {
  store: EventStore;
  grid: InstrumentGrid;
  /** progress note (JSON), written atomically; correctness never depends on it */
  checkpointPath?: string;
  maxInFlight?: number;
  onFailure?: (error: Error) => void;
}

export class MarketPublisher {
  readonly stream: string;
  /** every entry ≤ this is in the stream */
  publishedSeq = 0;
  private queue: WalEntry[] = [];
  /** entries of `queue` before this index have been sent (or need no append) */
  private cursor = 0;
  private settled: boolean[] = [];
  private inFlight = 0;
  private pumping = false;
  private resyncing = false;
  private attempts = 0;
  private checkpointedSeq = 0;
  private checkpointWrite: Promise<void> = Promise.resolve();
  private failure: Error | null = null;
  /** the append failure that started the current resync */
  private lastError: Error | null = null;
  private waiters: Array<{ test: () => boolean; resolve(): void; reject(e: Error): void }> = [];
  private readonly maxInFlight: number;

  constructor(private readonly options: PublisherOptions) {
    this.stream = streams.market(options.grid.symbol);
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  get failed(): Error | null { return this.failure; }
  /** committed entries not yet known to be in the stream */
  get backlog(): number { return this.queue.length; }

  /** The last WAL entry whose events end the stream (0 when the stream does not exist). */
  async findPublishedSeq(): Promise<number> {
    try {
      const [last] = await this.options.store.readStream(this.stream, { direction: 'backwards', fromRevision: 'end', maxCount: 1 });
      if (last === undefined) return 0;
      const seq = last.metadata['walEntrySeq'];
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
        throw new PublisherFailed(`${this.stream} ends with event ${last.id} without a walEntrySeq: the stream is not this engine's alone`);
      }
      return seq;
    } catch (error) {
      if (error instanceof StreamNotFound) return 0;
      throw error;
    }
  }

  /** Starts after `publishedSeq` with the committed entries recovery found beyond it. */
  start(publishedSeq: number, committed: WalEntry[]): void {
    this.publishedSeq = publishedSeq;
    this.checkpointedSeq = publishedSeq;
    this.offer(committed);
  }

  /** Committed entries, in seq order, continuing what was offered before. */
  offer(entries: readonly WalEntry[]): void {
    for (const entry of entries) {
      if (entry.entrySeq <= this.publishedSeq) continue;
      const last = this.queue.at(-1)?.entrySeq ?? this.publishedSeq;
      if (entry.entrySeq !== last + 1) throw new PublisherFailed(`entry ${entry.entrySeq} offered after ${last}`);
      this.queue.push(entry);
      this.settled.push(false);
    }
    this.pump();
  }

  /** Resolves once every entry offered so far is in the stream. */
  drain(): Promise<void> {
    const target = this.queue.at(-1)?.entrySeq ?? this.publishedSeq;
    return this.until(() => this.publishedSeq >= target);
  }

  /** Resolves once the backlog is at most `entries` (the engine's backpressure). */
  waitForBacklogAtMost(entries: number): Promise<void> {
    return this.until(() => this.queue.length <= entries);
  }

  private until(test: () => boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ test, resolve, reject }));
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.test());
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private pump(): void {
    if (this.pumping || this.resyncing || this.failure) return;
    this.pumping = true;
    try {
      while (this.inFlight < this.maxInFlight && this.cursor < this.queue.length) {
        const index = this.cursor++;
        const entry = this.queue[index]!;
        if (entry.outputs.length === 0) {
          this.settled[index] = true;
          continue;
        }
        const events = marketAppendOf(entry, this.options.grid);
        const expected = entry.expectedMarketRevision < 0 ? NO_STREAM : entry.expectedMarketRevision;
        this.inFlight += 1;
        this.options.store.append(this.stream, events, expected).then(
          () => this.settle(entry),
          (error: Error) => this.onAppendFailed(error),
        );
      }
      this.advance();
    } finally {
      this.pumping = false;
    }
  }

  private settle(entry: WalEntry): void {
    this.inFlight -= 1;
    if (this.resyncing) {
      this.maybeResync();
      return;
    }
    const index = entry.entrySeq - this.publishedSeq - 1;
    if (this.queue[index] === entry) this.settled[index] = true;
    this.attempts = 0;
    this.advance();
    this.pump();
  }

  private onAppendFailed(error: Error): void {
    this.inFlight -= 1;
    if (!this.resyncing) {
      this.resyncing = true;
      this.lastError = error;
    }
    this.maybeResync();
  }

  /** Once nothing is in flight: re-read the stream head and resume right after it. */
  private maybeResync(): void {
    if (this.inFlight > 0) return;
    this.attempts += 1;
    const cause = this.lastError;
    const retry = async () => {
      if (this.attempts > MAX_ATTEMPTS) {
        throw new PublisherFailed(`entry ${this.publishedSeq + 1} failed ${MAX_ATTEMPTS} times, last: ${cause?.name}: ${cause?.message}`);
      }
      // back off a little on repeated failures (a restarting store), not on the first
      if (this.attempts > 1) await new Promise((r) => setTimeout(r, 20 * this.attempts));
      const head = await this.findPublishedSeq();
      const lastOffered = this.queue.at(-1)?.entrySeq ?? this.publishedSeq;
      if (head < this.publishedSeq) throw new PublisherFailed(`${this.stream} ends at entry ${head}, but entries up to ${this.publishedSeq} were published`);
      if (head > lastOffered) throw new PublisherFailed(`${this.stream} holds entry ${head}, beyond the last committed entry ${lastOffered}`);
      const drop = head - this.publishedSeq;
      this.queue.splice(0, drop);
      this.settled = this.queue.map(() => false);
      this.cursor = 0;
      this.publishedSeq = head;
      this.resyncing = false;
      this.lastError = null;
      this.notify();
      this.pump();
    };
    retry().catch((error: Error) => this.fail(error instanceof PublisherFailed ? error : new PublisherFailed(`resync failed: ${error.message}`)));
  }

  private advance(): void {
    let n = 0;
    while (n < this.queue.length && n < this.cursor && this.settled[n]) n++;
    if (n === 0) return;
    this.publishedSeq = this.queue[n - 1]!.entrySeq;
    this.queue.splice(0, n);
    this.settled.splice(0, n);
    this.cursor -= n;
    if (this.publishedSeq - this.checkpointedSeq >= CHECKPOINT_EVERY_ENTRIES || this.queue.length === 0) this.checkpoint();
    this.notify();
  }

  private checkpoint(): void {
    const path = this.options.checkpointPath;
    if (path === undefined || this.checkpointedSeq === this.publishedSeq) return;
    const seq = this.publishedSeq;
    this.checkpointedSeq = seq;
    this.checkpointWrite = this.checkpointWrite.then(async () => {
      const temp = `${path}.tmp`;
      await writeFile(temp, JSON.stringify({ stream: this.stream, publishedEntrySeq: seq }));
      await rename(temp, path);
    }).catch(() => undefined); // a lost progress note costs nothing: the stream head is the truth
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
    this.options.onFailure?.(error);
  }

  /** Waits for appends in flight and the last progress note; does not drain the backlog. */
  async stop(): Promise<void> {
    if (this.failure === null) await this.until(() => this.inFlight === 0 && !this.resyncing).catch(() => undefined);
    this.checkpoint();
    await this.checkpointWrite;
  }
}
