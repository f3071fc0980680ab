/**
 * The matching engine of one symbol (DESIGN §7): the single writer of its book.
 *
 *   store ($all, order-* inputs) → translate → core.step (book) → WAL batch → fsync
 *        → committed: publisher → market-{symbol}; every N entries a snapshot
 *
 * The commit point is the WAL fsync: nothing is published before it. The book itself moves
 * ahead of the sync (the next inputs must see it), which is safe because a crash loses exactly
 * the inputs that were not committed and those are read again from the store — the engine
 * resumes strictly after the source position of the last committed entry.
 *
 * Inputs of other symbols never reach the WAL: re-reading them after a restart changes nothing,
 * since ignoring an input does not depend on anything that happens after it.
 *
 * The hot path allocates nothing per input: the event is translated into a reused input object,
 * and the core writes the entry's record straight into the WAL's open batch while the book
 * reports. Entry objects exist only for publishing, decoded from a batch once it is committed.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { maxPosition, START_POSITION, type AllSubscription, type EventStore, type Position } from '../../eventstore/port.js';
import type { OrderBook } from '../book/types.js';
import { MarketPublisher } from '../publisher/publisher.js';
import { writeSnapshot } from '../snapshot/store.js';
import { decodeEntries } from '../wal/codec.js';
import { WalWriter } from '../wal/writer.js';
import type { CoreImage, EngineCore } from './core.js';
import { InstrumentGrid, type MatchingInstrument } from './instrument.js';
import { INPUT_FILTER, InputSlots, translateInto, type SourceEvent } from './input.js';
import { isAfter, recoverEngine, snapshotDirOf, walDirOf, type RecoveryReport } from './recovery.js';

export const DEFAULT_SNAPSHOT_EVERY = 100_000;
export const DEFAULT_MAX_UNPUBLISHED = 10_000;
/** Input stops being read while this much is waiting for the next sync. */
export const MAX_PENDING_WAL_BYTES = 8 * 1024 * 1024;

export class EngineStopped extends Error {
  override name = 'EngineStopped';
}

export interface MatchingEngineOptions {
  instrument: MatchingInstrument;
  /** this engine's directory: wal/, snapshots/, publisher.checkpoint.json */
  dir: string;
  /** the input source and the market stream's home; without it the engine is driven by submit() only */
  store?: EventStore;
  createBook: () => OrderBook;
  /** snapshot after every this many entries; 0 = never */
  snapshotEvery?: number;
  /** false is for measuring everything but the disk; it gives up durability */
  fsync?: boolean;
  segmentBytes?: number;
  /** committed entries waiting for the publisher before input pauses */
  maxUnpublished?: number;
  publisherInFlight?: number;
  /** told about every failure that stops the engine (WAL, publisher, invariant) */
  onFailure?: (error: Error) => void;
}

export interface MatchingEngine {
  readonly symbol: string;
  /** recover (snapshot + WAL), start publishing, subscribe to inputs (when a store is given) */
  start(): Promise<RecoveryReport>;
  /** process one input now; returns its entry's seq (undefined when ignored); the entry commits with the next sync */
  submit(event: SourceEvent): number | undefined;
  /** resolves when everything submitted so far is committed */
  flush(): Promise<void>;
  /** resolves when every committed entry is in the market stream */
  drainPublisher(): Promise<void>;
  stop(): Promise<void>;
  stateHash(): string;
  readonly book: OrderBook;
  /** inputs up to here are processed and committed (or ignored) */
  readonly processedPosition: Position;
  readonly lastEntrySeq: number;
  readonly durableEntrySeq: number;
  readonly publishedEntrySeq: number;
  readonly walSyncCount: number;
  readonly failure: Error | null;
}

export function createMatchingEngine(options: MatchingEngineOptions): MatchingEngine {
  return new Engine(options);
}

class Engine implements MatchingEngine {
  readonly symbol: string;
  private readonly grid: InstrumentGrid;
  private core!: EngineCore;
  private wal!: WalWriter;
  private publisher: MarketPublisher | undefined;
  private subscription: AllSubscription | undefined;
  private loop: Promise<void> = Promise.resolve();
  private readonly slots = new InputSlots();
  private committedPosition: Position = START_POSITION;
  /** the furthest input position looked at, including ignored inputs */
  private seenPosition: Position = START_POSITION;
  private snapshotting: Promise<void> | null = null;
  private queuedImage: { seq: number; image: CoreImage } | null = null;
  private started = false;
  private stopping = false;
  private failed: Error | null = null;
  private readonly snapshotEvery: number;
  private readonly maxUnpublished: number;
  private readonly isLive = (orderId: string) => this.core.isLive(orderId);

  constructor(private readonly options: MatchingEngineOptions) {
    this.grid = new InstrumentGrid(options.instrument);
    this.symbol = this.grid.symbol;
    this.snapshotEvery = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    this.maxUnpublished = options.maxUnpublished ?? DEFAULT_MAX_UNPUBLISHED;
  }

  get book(): OrderBook { return this.core.book; }
  get lastEntrySeq(): number { return this.core.lastEntrySeq; }
  get durableEntrySeq(): number { return this.wal.durableSeq; }
  get publishedEntrySeq(): number { return this.publisher?.publishedSeq ?? 0; }
  get walSyncCount(): number { return this.wal.syncCount; }
  get failure(): Error | null { return this.failed; }

  get processedPosition(): Position {
    return this.wal.durableSeq === this.wal.appendedSeq ? this.seenPosition : this.committedPosition;
  }

  stateHash(): string { return this.core.stateHash(); }

  async start(): Promise<RecoveryReport> {
    if (this.started) throw new Error('engine already started');
    this.started = true;
    const dir = this.options.dir;
    await mkdir(snapshotDirOf(dir), { recursive: true });
    const store = this.options.store;
    if (store) {
      this.publisher = new MarketPublisher({
        store, grid: this.grid, checkpointPath: join(dir, 'publisher.checkpoint.json'),
        maxInFlight: this.options.publisherInFlight, onFailure: (error) => this.fail(error),
      });
    }
    const publishedSeq = this.publisher ? await this.publisher.findPublishedSeq() : 0;
    const recovered = await recoverEngine({
      dir, symbol: this.symbol, createBook: this.options.createBook,
      collectFromSeq: this.publisher ? publishedSeq + 1 : undefined,
    });
    this.core = recovered.core;
    if (publishedSeq > this.core.lastEntrySeq) {
      throw new EngineStopped(`market-${this.symbol} holds entry ${publishedSeq}, the WAL ends at ${this.core.lastEntrySeq}: this WAL lost committed entries`);
    }
    this.committedPosition = this.core.lastSourcePosition;
    this.seenPosition = this.core.lastSourcePosition;
    this.wal = await WalWriter.open(walDirOf(dir), this.core.lastEntrySeq, {
      fsync: this.options.fsync ?? true, segmentBytes: this.options.segmentBytes,
      onCommit: (seq, position, records) => this.committed(seq, position, records),
    });
    this.publisher?.start(publishedSeq, recovered.collected);
    if (store) {
      this.subscription = store.subscribeToAll({ fromPosition: this.core.lastSourcePosition, filter: INPUT_FILTER });
      this.loop = this.consume(this.subscription).catch((error: Error) => this.fail(error));
    }
    return recovered.report;
  }

  private async consume(subscription: AllSubscription): Promise<void> {
    for await (const message of subscription) {
      if (this.stopping || this.failed) break;
      if (message.kind === 'event') this.submit(message.event);
      else this.seenPosition = maxPosition(this.seenPosition, message.position);
      if (this.wal.pendingBytes > MAX_PENDING_WAL_BYTES) await this.wal.whenDurable();
      if (this.publisher && this.publisher.backlog > this.maxUnpublished) await this.publisher.waitForBacklogAtMost(this.maxUnpublished >> 1);
    }
  }

  submit(event: SourceEvent): number | undefined {
    if (this.failed) throw this.failed;
    if (!this.started || this.core === undefined) throw new EngineStopped('engine not started');
    if (this.stopping) throw new EngineStopped('engine stopping');
    // re-delivered inputs (at or before the last one taken) change nothing
    if (!isAfter(event.position, this.seenPosition)) return undefined;
    this.seenPosition = event.position;
    const input = translateInto(event, this.grid, this.isLive, this.slots);
    if (input === undefined) return undefined;
    let entrySeq: number;
    try {
      entrySeq = this.core.append(input, this.wal.openBatch(this.core.lastEntrySeq + 1));
      this.wal.appended(entrySeq, input.sourcePosition);
    } catch (error) {
      this.fail(error as Error);
      throw error;
    }
    if (this.snapshotEvery > 0 && entrySeq % this.snapshotEvery === 0) this.snapshot(entrySeq);
    return entrySeq;
  }

  private committed(_durableSeq: number, lastSourcePosition: string, records: Buffer): void {
    this.committedPosition = lastSourcePosition;
    if (this.publisher === undefined) return;
    try {
      this.publisher.offer(decodeEntries(records, 0, records.length));
    } catch (error) {
      this.fail(error as Error);
    }
  }

  /**
   * The image is taken now, synchronously, so it is exactly the state after `seq`; it is written
   * only once `seq` is committed — a snapshot must never run ahead of the WAL. Writes go one at a
   * time; while one is going, at most one newer image waits (a newer one replaces it).
   */
  private snapshot(seq: number): void {
    this.queuedImage = { seq, image: this.core.image() };
    if (this.snapshotting) return;
    this.snapshotting = (async () => {
      while (this.queuedImage && !this.failed) {
        const { seq: at, image } = this.queuedImage;
        this.queuedImage = null;
        await this.wal.whenDurable(at);
        await writeSnapshot(snapshotDirOf(this.options.dir), image, this.symbol);
      }
    })().catch((error: Error) => this.fail(error)).finally(() => { this.snapshotting = null; });
  }

  flush(): Promise<void> {
    return this.wal.whenDurable();
  }

  drainPublisher(): Promise<void> {
    if (!this.publisher) return Promise.resolve();
    return this.wal.whenDurable().then(() => this.publisher!.drain());
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    void this.subscription?.close().catch(() => undefined);
    this.options.onFailure?.(error);
  }

  async stop(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    await this.subscription?.close().catch(() => undefined);
    await this.loop;
    if (this.wal) await this.wal.close().catch((error: Error) => this.fail(error));
    await this.snapshotting;
    if (this.publisher && !this.failed) await this.publisher.drain().catch((error: Error) => this.fail(error));
    await this.publisher?.stop();
  }
}
