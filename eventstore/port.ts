/**
 * The EventStore port (DESIGN §3.1). Every adapter (embedded, EventStoreDB) implements it and
 * passes the same contract suite (test/eventstore/contract.ts).
 *
 * Positions are opaque to callers but serialised as decimal integer strings that grow strictly
 * in commit order; "0" is the start of the log (before any event). Compare them only with
 * `comparePositions`. Stream revisions are 0-based numbers.
 */

export const NO_STREAM = 'no_stream' as const;
export const ANY = 'any' as const;
export type ExpectedRevision = typeof NO_STREAM | typeof ANY | number;

export const START_POSITION = '0';
export type Position = string;

export function comparePositions(a: Position, b: Position): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function maxPosition(a: Position, b: Position): Position {
  return comparePositions(a, b) >= 0 ? a : b;
}

export interface EventMetadata {
  $correlationId?: string;
  $causationId?: string;
  idempotencyKey?: string;
  /** ISO-8601; from the request or copied from the causing event — never a clock inside domain/ */
  occurredAt?: string;
  schemaVersion?: number;
  [key: string]: unknown;
}

/** An event to append. `data` must be a JSON object. */
export interface EventData {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  id: string;
  type: string;
  stream: string;
  revision: number;
  position: Position;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** ISO-8601 commit time assigned by the store; grows in log order */
  created: string;
}

export interface AppendResult {
  /** revision of the last event of the stream after the append */
  nextRevision: number;
  /** position of the last event of this append */
  position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** first revision to read (inclusive); default start (forwards) or end (backwards) */
  fromRevision?: number | 'start' | 'end';
  direction?: Direction;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** exclusive: events strictly after this position (forwards) / strictly before it (backwards). */
  fromPosition?: Position | 'start' | 'end';
  direction?: Direction;
  maxCount?: number;
  filter?: EventFilter;
}

export interface EventFilter {
  /** stream name prefixes, e.g. ['order-', 'market-'] */
  streamPrefixes?: string[];
  /** exact event types */
  eventTypes?: string[];
}

export interface SubscribeToAllOptions {
  /** exclusive: deliver events strictly after this position; default START_POSITION */
  fromPosition?: Position;
  filter?: EventFilter;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  /** every event up to `position` has been delivered; live events follow */
  | { kind: 'caughtUp'; position: Position }
  /** no matching event up to `position` (filtered subscriptions advance through this) */
  | { kind: 'checkpoint'; position: Position };

/** Catch-up then live. Iterate it; `close()` ends the iteration. Errors surface from `next()`. */
export interface AllSubscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

export interface EventStore {
  append(stream: string, events: EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** throws StreamNotFound when the stream has no events */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeToAllOptions): AllSubscription;
  /** position of the last event in the log, START_POSITION when empty */
  headPosition(): Promise<Position>;
  close(): Promise<void>;
}
