import { join } from 'node:path';
import type { EventStore, Position } from '../../eventstore/port.js';
import type { Instrument } from '../../domain/instrument/types.js';
import { FastBook } from '../../matching/book/fast-book.js';
import { createMatchingEngine, type MatchingEngine } from '../../matching/engine/engine.js';
import type { InstrumentDirectory } from '../instruments.js';

/**
 * One matching engine per listed instrument (DESIGN §7), started as instruments are listed —
 * including while running. Each engine consumes its inputs from the store itself.
 */
export class MatchingHost {
  private readonly engines = new Map<string, MatchingEngine>();
  private readonly starting = new Map<string, Promise<void>>();
  private readonly failures = new Map<string, Error>();
  private stopped = false;

  constructor(
    private readonly options: { store: EventStore; dataDir: string; directory: InstrumentDirectory; fsync?: boolean; onError?: (error: Error, symbol: string) => void },
  ) {}

  start(): void {
    this.options.directory.onListed((instrument) => void this.ensure(instrument));
  }

  /** resolves once every engine started so far has recovered and subscribed */
  async ready(): Promise<void> {
    await Promise.all(this.starting.values());
  }

  private ensure(instrument: Instrument): Promise<void> {
    const known = this.starting.get(instrument.symbol);
    if (known || this.stopped) return known ?? Promise.resolve();
    const engine = createMatchingEngine({
      instrument,
      dir: join(this.options.dataDir, 'matching', instrument.symbol),
      store: this.options.store,
      createBook: () => new FastBook(),
      fsync: this.options.fsync,
      onFailure: (error) => {
        this.failures.set(instrument.symbol, error);
        this.options.onError?.(error, instrument.symbol);
      },
    });
    const started = engine.start().then(
      () => {
        this.engines.set(instrument.symbol, engine);
      },
      (error: Error) => {
        this.failures.set(instrument.symbol, error);
        this.options.onError?.(error, instrument.symbol);
      },
    );
    this.starting.set(instrument.symbol, started);
    return started;
  }

  /** every engine's input position (what it has processed and committed) */
  consumers(): Array<{ name: string; processedPosition: Position; busy: boolean; error?: string }> {
    const out: Array<{ name: string; processedPosition: Position; busy: boolean; error?: string }> = [];
    for (const symbol of this.starting.keys()) {
      const engine = this.engines.get(symbol);
      const failure = this.failures.get(symbol) ?? engine?.failure ?? undefined;
      if (!engine) {
        out.push({ name: `matching:${symbol}`, processedPosition: '0', busy: true, ...(failure ? { error: failure.message } : {}) });
        continue;
      }
      // busy while committed entries wait for the WAL sync or for the publisher
      const busy = engine.durableEntrySeq !== engine.lastEntrySeq || engine.publishedEntrySeq !== engine.lastEntrySeq;
      out.push({ name: `matching:${symbol}`, processedPosition: engine.processedPosition, busy, ...(failure ? { error: failure.message } : {}) });
    }
    return out;
  }

  engine(symbol: string): MatchingEngine | undefined {
    return this.engines.get(symbol);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.starting.values());
    await Promise.all([...this.engines.values()].map((engine) => engine.stop()));
  }
}
