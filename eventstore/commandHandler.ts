import type { CausationContext, DomainEvent } from './envelope.js';
import { toEventData } from './envelope.js';
import { StreamNotFound, WrongExpectedVersion } from './errors.js';
import { NO_STREAM, type EventStore, type Position } from './port.js';

/** What evolve folds: the recorded type and payload (a RecordedEvent or a just-decided event). */
export interface EventLike {
  type: string;
  data: unknown;
}

/**
 * Same shape as domain/shared's Decider. `decide` is pure and may throw typed domain errors;
 * neither function may mutate the state it gets (cached states are shared between commands).
 */
export interface Decider<C, S, E extends DomainEvent = DomainEvent> {
  initialState(): S;
  evolve(state: S, event: EventLike): S;
  decide(command: C, state: S): E[];
}

export interface CachedAggregate<S = unknown> {
  state: S;
  /** revision of the last event folded into `state`; -1 for a stream that does not exist */
  revision: number;
}

/** State + revision per stream, so a command need not re-read its whole stream. */
export interface AggregateCache {
  get(stream: string): CachedAggregate | undefined;
  set(stream: string, entry: CachedAggregate): void;
  delete(stream: string): void;
}

/** A bounded LRU cache (least recently used streams are dropped first). */
export function createAggregateCache(maxEntries = 10_000): AggregateCache {
  const entries = new Map<string, CachedAggregate>();
  return {
    get(stream) {
      const entry = entries.get(stream);
      if (entry) {
        entries.delete(stream);
        entries.set(stream, entry);
      }
      return entry;
    },
    set(stream, entry) {
      entries.delete(stream);
      entries.set(stream, entry);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    delete(stream) {
      entries.delete(stream);
    },
  };
}

export interface HandleCommandOptions {
  /** re-read and re-decide at most this many times after a WrongExpectedVersion (default 5) */
  maxRetries?: number;
  cache?: AggregateCache;
}

export interface CommandResult<S, E extends DomainEvent = DomainEvent> {
  /** the events this command decided (empty: nothing to do, nothing written) */
  events: E[];
  state: S;
  /** stream revision after the command; -1 when the stream still does not exist */
  nextRevision: number;
  /** position of the last appended event; absent when nothing was appended */
  position?: Position;
}

export async function loadAggregate<S>(store: EventStore, stream: string, decider: Pick<Decider<unknown, S>, 'initialState' | 'evolve'>): Promise<CachedAggregate<S>> {
  try {
    const events = await store.readStream(stream);
    return { state: events.reduce((s: S, e) => decider.evolve(s, e), decider.initialState()), revision: events.length - 1 };
  } catch (error) {
    if (error instanceof StreamNotFound) return { state: decider.initialState(), revision: -1 };
    throw error;
  }
}

/**
 * Load (or take from the cache) → decide → append with the exact expected revision (DESIGN §3.3).
 * A WrongExpectedVersion means someone else wrote first: drop the cached state, reload and decide
 * again, a bounded number of times. Event ids are deterministic, so a retried command whose events
 * were already written is answered by the store's idempotency instead of being written twice.
 */
export async function handleCommand<C, S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Decider<C, S, E>,
  command: C,
  context: CausationContext,
  options: HandleCommandOptions = {},
): Promise<CommandResult<S, E>> {
  const maxRetries = options.maxRetries ?? 5;
  const cache = options.cache;
  for (let attempt = 0; ; attempt++) {
    const cached = cache?.get(stream) as CachedAggregate<S> | undefined;
    const { state, revision } = cached ?? (await loadAggregate(store, stream, decider));
    const events = decider.decide(command, state);
    if (events.length === 0) {
      cache?.set(stream, { state, revision });
      return { events, state, nextRevision: revision };
    }
    try {
      const result = await store.append(stream, toEventData(stream, events, context), revision < 0 ? NO_STREAM : revision);
      const next = events.reduce((s: S, e) => decider.evolve(s, e), state);
      cache?.set(stream, { state: next, revision: result.nextRevision });
      return { events, state: next, nextRevision: result.nextRevision, position: result.position };
    } catch (error) {
      cache?.delete(stream);
      if (!(error instanceof WrongExpectedVersion) || attempt >= maxRetries) throw error;
    }
  }
}
