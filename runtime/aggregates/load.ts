import { StreamNotFound } from '../../eventstore/errors.js';
import type { EventStore, RecordedEvent } from '../../eventstore/port.js';
import type { SnapshotStore } from './snapshots.js';

/** What a loader folds with: the evolve half of a decider. */
export interface Evolver<S> {
  initialState(): S;
  evolve(state: S, event: { type: string; data: unknown }): S;
}

export interface LoadedAggregate<S> {
  state: S;
  /** revision of the last event folded in; −1 when the stream does not exist */
  revision: number;
}

/** Events read per page when folding the tail after a snapshot. */
const PAGE = 512;

/**
 * Snapshot + tail: the newest snapshot of the stream (if any) and the events after it. What is
 * read is bounded by the snapshot interval, not by the stream's history.
 */
export async function loadAggregate<S>(store: EventStore, stream: string, evolver: Evolver<S>, snapshots?: SnapshotStore): Promise<LoadedAggregate<S>> {
  const snapshot = await snapshots?.load(stream);
  let state = snapshot ? (snapshot.state as S) : evolver.initialState();
  let revision = snapshot ? snapshot.revision : -1;
  for (;;) {
    let page: RecordedEvent[];
    try {
      page = await store.readStream(stream, { fromRevision: revision + 1, maxCount: PAGE });
    } catch (error) {
      if (error instanceof StreamNotFound) {
        // a snapshot of a stream that no longer exists (e.g. a reset store) is not trusted
        return { state: evolver.initialState(), revision: -1 };
      }
      throw error;
    }
    for (const event of page) {
      if (event.revision !== revision + 1) throw new Error(`${stream}: expected revision ${revision + 1}, read ${event.revision}`);
      state = evolver.evolve(state, asDecided(event));
      revision = event.revision;
    }
    if (page.length < PAGE) return { state, revision };
  }
}

/**
 * A recorded event as its decider emitted it: type, idempotency key (kept in the metadata) and
 * data. Some evolve functions remember keys, so folding a stored event must give them the key.
 */
export function asDecided(event: RecordedEvent): { type: string; key: string; data: Record<string, unknown> } {
  return { type: event.type, key: String(event.metadata.idempotencyKey ?? ''), data: event.data };
}
