import { BACKWARDS, END, FORWARDS, START, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';
import { acquireClient, releaseClient } from './clientPool.js';
import { StoreClosed } from '../errors.js';
import {
  START_POSITION,
  comparePositions,
  type AllSubscription,
  type AppendResult,
  type EventData,
  type EventStore,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
} from '../port.js';
import { eventBytes, toClientEvent, toRecordedEvent } from './convert.js';
import { isSystemEvent, portFilterMatches } from './filter.js';
import { isStart, toEsdbPosition, toPortPosition } from './positions.js';
import { EsdbAllSubscription, type ResubscribePolicy } from './subscription.js';
import { translateError } from './translateError.js';

export interface EsdbEventStoreOptions {
  /** e.g. esdb://127.0.0.1:2113?tls=false; adapters of one process share a client per string */
  connectionString: string;
  /**
   * A filtered subscription reports a checkpoint after this many events it scanned without
   * delivering one (EventStoreDB's max search window × checkpoint multiplier). Small values let
   * consumers see progress past other streams' traffic promptly; larger ones cost the server
   * fewer messages on big catch-ups. Default 1.
   */
  checkpointIntervalEvents?: number;
  /** events fetched per $all read request (reads are paged so that filters apply client-side) */
  readPageSize?: number;
  resubscribe?: Partial<ResubscribePolicy>;
}

const DEFAULT_RESUBSCRIBE: ResubscribePolicy = { initialDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 20 };
const DEFAULT_READ_PAGE = 512;
const SUBSCRIPTION_BUFFER = 2_048;

function clientExpected(expected: ExpectedRevision): 'any' | 'no_stream' | bigint {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/**
 * The EventStore port on EventStoreDB through @eventstore/db-client 6.x — the one module that
 * talks to it. Positions are EventStoreDB $all positions encoded as one decimal string
 * (see positions.ts).
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly connectionString: string;
  private readonly subscriptions = new Set<EsdbAllSubscription>();
  /** per-stream FIFO of appends, see append() */
  private readonly appendTails = new Map<string, Promise<void>>();
  private readonly checkpointIntervalEvents: number;
  private readonly readPageSize: number;
  private readonly resubscribe: ResubscribePolicy;
  private closed = false;

  constructor(options: EsdbEventStoreOptions) {
    this.connectionString = options.connectionString;
    this.client = acquireClient(options.connectionString);
    this.checkpointIntervalEvents = options.checkpointIntervalEvents ?? 1;
    this.readPageSize = options.readPageSize ?? DEFAULT_READ_PAGE;
    this.resubscribe = { ...DEFAULT_RESUBSCRIBE, ...options.resubscribe };
  }

  /**
   * Appends to one stream leave this process in call order. The client may reorder concurrent
   * calls (separate gRPC calls, or async set-up before a BatchAppend write), and then a caller
   * that issued append(rev 99) before append(rev 199) could see the second fail; the embedded
   * store guarantees call order, so this adapter does too. Different streams stay concurrent.
   */
  append(stream: string, events: EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreClosed());
    const previous = this.appendTails.get(stream) ?? Promise.resolve();
    const run = previous.then(() => this.appendNow(stream, events, expectedRevision));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.appendTails.set(stream, tail);
    void tail.then(() => {
      if (this.appendTails.get(stream) === tail) this.appendTails.delete(stream);
    });
    return run;
  }

  private async appendNow(stream: string, events: EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(stream, events.map(toClientEvent), { expectedRevision: clientExpected(expectedRevision) });
      if (!result.position) throw new Error(`EventStoreDB did not report the position of the append to ${stream}`);
      return { nextRevision: Number(result.nextExpectedRevision), position: toPortPosition(result.position) };
    } catch (error) {
      throw translateError(error, { stream, expected: expectedRevision, largestEventBytes: Math.max(0, ...events.map(eventBytes)) });
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (this.closed) throw new StoreClosed();
    const direction = options.direction ?? 'forwards';
    const from = options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    const events: RecordedEvent[] = [];
    try {
      const reader = this.client.readStream(stream, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
        ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
      });
      for await (const resolved of reader) if (resolved.event) events.push(toRecordedEvent(resolved.event));
    } catch (error) {
      throw translateError(error, { stream });
    }
    return events;
  }

  /**
   * The 6.x client reads $all without a server-side filter, and a real server's $all holds
   * system events; so $all is read in pages and filtered here, and maxCount counts what the
   * caller receives. EventStoreDB reads forwards from a position inclusively: the event at the
   * position itself is skipped to keep the port's exclusive start.
   */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    if (this.closed) throw new StoreClosed();
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return;
    const matches = portFilterMatches(options.filter);
    const start = options.fromPosition ?? (backwards ? 'end' : 'start');
    if (backwards && (start === 'start' || (start !== 'end' && isStart(start)))) return;
    if (!backwards && start === 'end') return;
    let from: Parameters<EventStoreDBClient['readAll']>[0] extends infer O ? (O extends { fromPosition?: infer F } ? F : never) : never =
      start === 'start' ? START : start === 'end' ? END : isStart(start) ? START : toEsdbPosition(start);
    let exclusiveOf: Position | undefined = !backwards && start !== 'start' && start !== 'end' && !isStart(start) ? start : undefined;
    let delivered = 0;
    for (;;) {
      let pageLength = 0;
      let last: Position | undefined;
      const page: ResolvedEvent[] = [];
      try {
        const reader = this.client.readAll({ fromPosition: from, direction: backwards ? BACKWARDS : FORWARDS, maxCount: this.readPageSize });
        for await (const resolved of reader) page.push(resolved);
      } catch (error) {
        throw translateError(error);
      }
      for (const resolved of page) {
        pageLength += 1;
        const raw = resolved.event;
        if (!raw?.position) continue;
        const position = toPortPosition(raw.position);
        last = position;
        if (exclusiveOf !== undefined && comparePositions(position, exclusiveOf) <= 0) continue;
        if (isSystemEvent(raw.streamId, raw.type)) continue;
        const event = toRecordedEvent(raw);
        if (!matches(event)) continue;
        yield event;
        delivered += 1;
        if (delivered >= limit) return;
      }
      if (pageLength < this.readPageSize || last === undefined) return;
      from = toEsdbPosition(last);
      if (!backwards) exclusiveOf = last;
    }
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): AllSubscription {
    if (this.closed) throw new StoreClosed();
    const subscription = new EsdbAllSubscription(
      this.client,
      options.filter,
      options.fromPosition ?? START_POSITION,
      { checkpointIntervalEvents: this.checkpointIntervalEvents, resubscribe: this.resubscribe, bufferedMessages: SUBSCRIPTION_BUFFER },
      (closed) => this.subscriptions.delete(closed),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The newest application event; EventStoreDB's own system events do not count. */
  async headPosition(): Promise<Position> {
    for await (const event of this.readAll({ direction: 'backwards', maxCount: 1 })) return event.position;
    return START_POSITION;
  }

  /** Ends subscriptions, then disposes the client's streams — before any server goes away. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await Promise.allSettled([...this.appendTails.values()]);
    await releaseClient(this.connectionString, this.client);
  }
}

export function createEsdbEventStore(options: EsdbEventStoreOptions): EventStore {
  return new EsdbEventStore(options);
}
