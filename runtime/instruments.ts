import { StreamNotFound } from '../eventstore/errors.js';
import { START_POSITION, type AllSubscription, type EventStore, type Position } from '../eventstore/port.js';
import { streams } from '../eventstore/streams.js';
import type { Instrument } from '../domain/instrument/types.js';

/**
 * Every listed instrument, kept current by a subscription to InstrumentListed (few events; it
 * reads them from the start of the log on every boot and needs no checkpoint). The matching host
 * starts an engine for each, including ones listed while running; the command API validates
 * against it, falling back to the instrument stream for a symbol listed a moment ago.
 */
export class InstrumentDirectory {
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly listeners: Array<(instrument: Instrument) => void> = [];
  private subscription: AllSubscription | undefined;
  private running: Promise<void> | undefined;
  private caughtUp = false;
  private processed: Position = START_POSITION;
  private failure: Error | undefined;

  constructor(private readonly store: EventStore) {}

  /** resolves once every instrument listed so far is known */
  start(): Promise<void> {
    let ready!: () => void;
    let failed!: (error: Error) => void;
    const readyPromise = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    this.subscription = this.store.subscribeToAll({ filter: { eventTypes: ['InstrumentListed'] } });
    const subscription = this.subscription;
    this.running = (async () => {
      for await (const message of subscription) {
        if (message.kind === 'event') {
          this.add(message.event.data as unknown as Instrument);
          this.processed = message.event.position;
        } else {
          this.processed = message.position;
          if (message.kind === 'caughtUp') {
            this.caughtUp = true;
            ready();
          }
        }
      }
    })().catch((error: Error) => {
      this.failure = error;
      failed(error);
    });
    return readyPromise;
  }

  get idle(): boolean {
    return this.caughtUp && this.failure === undefined;
  }

  get processedPosition(): Position {
    return this.processed;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  onListed(listener: (instrument: Instrument) => void): void {
    this.listeners.push(listener);
    for (const instrument of this.bySymbol.values()) listener(instrument);
  }

  list(): Instrument[] {
    return [...this.bySymbol.values()];
  }

  quoteAssets(): Set<string> {
    return new Set(this.list().map((i) => i.quoteAsset));
  }

  /** the listed instrument, reading its stream when the subscription has not delivered it yet */
  async get(symbol: string): Promise<Instrument | undefined> {
    const known = this.bySymbol.get(symbol);
    if (known) return known;
    try {
      const [first] = await this.store.readStream(streams.instrument(symbol), { maxCount: 1 });
      if (first?.type !== 'InstrumentListed') return undefined;
      const instrument = first.data as unknown as Instrument;
      this.add(instrument);
      return instrument;
    } catch (error) {
      if (error instanceof StreamNotFound) return undefined;
      throw error;
    }
  }

  private add(instrument: Instrument): void {
    if (this.bySymbol.has(instrument.symbol)) return;
    this.bySymbol.set(instrument.symbol, instrument);
    for (const listener of this.listeners) listener(instrument);
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.running;
  }
}
