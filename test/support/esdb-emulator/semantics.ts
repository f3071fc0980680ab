import { EventTooLarge, InvalidEventData, InvalidStreamName, StreamNotFound, WrongExpectedVersion } from '../../../eventstore/errors.js';
import { ANY, NO_STREAM, type EventData, type EventStore, type Position, type RecordedEvent } from '../../../eventstore/port.js';
import type { DeletionRegistry } from './deletions.js';
import { InvalidRequest } from './convert.js';

/** An expected revision as EventStoreDB's protocol states it (a superset of the port's). */
export type WireExpected =
  | { kind: 'revision'; revision: number }
  | { kind: 'noStream' }
  | { kind: 'any' }
  | { kind: 'streamExists' };

export type CurrentRevision = number | 'no_stream';

export type AppendOutcome =
  | { kind: 'success'; nextRevision: number; position: Position }
  | { kind: 'wrongExpectedVersion'; current: CurrentRevision }
  | { kind: 'streamDeleted' };

export type DeleteOutcome = { kind: 'success'; position: Position } | AppendOutcome;

export class MaximumAppendSizeExceeded extends Error {
  override name = 'MaximumAppendSizeExceeded';
  constructor(readonly maxBytes: number) {
    super(`maximum append size of ${maxBytes} bytes exceeded`);
  }
}

/**
 * EventStoreDB's stream semantics over the EventStore port: expected-revision checks (the port's
 * own, so idempotent retries behave exactly as the backing store decides), `stream_exists`,
 * soft delete with `$tb` and re-creation, tombstones.
 */
export class EsdbSemantics {
  constructor(
    readonly store: EventStore,
    private readonly deletions: DeletionRegistry,
  ) {}

  /** last revision in the backing store, ignoring soft deletes */
  async lastStoredRevision(stream: string): Promise<CurrentRevision> {
    try {
      const [last] = await this.store.readStream(stream, { fromRevision: 'end', direction: 'backwards', maxCount: 1 });
      return last ? last.revision : 'no_stream';
    } catch (error) {
      if (error instanceof StreamNotFound) return 'no_stream';
      throw translateStoreError(error);
    }
  }

  /** the revision a client sees: a soft-deleted stream with nothing after `$tb` does not exist */
  async visibleRevision(stream: string): Promise<CurrentRevision> {
    const stored = await this.lastStoredRevision(stream);
    if (stored === 'no_stream' || stored < this.deletions.truncateBefore(stream)) return 'no_stream';
    return stored;
  }

  async append(stream: string, expected: WireExpected, events: EventData[]): Promise<AppendOutcome> {
    if (this.deletions.isTombstoned(stream)) return { kind: 'streamDeleted' };
    const softDeleted = this.deletions.get(stream)?.kind === 'softDeleted';
    try {
      switch (expected.kind) {
        case 'any':
          return this.success(await this.store.append(stream, events, ANY));
        case 'revision': {
          if (softDeleted && (await this.visibleRevision(stream)) === 'no_stream') {
            return { kind: 'wrongExpectedVersion', current: 'no_stream' };
          }
          return this.success(await this.store.append(stream, events, expected.revision));
        }
        case 'noStream': {
          if (softDeleted) {
            const stored = await this.lastStoredRevision(stream);
            const visible = stored === 'no_stream' || stored < this.deletions.truncateBefore(stream) ? 'no_stream' : stored;
            if (visible !== 'no_stream') return { kind: 'wrongExpectedVersion', current: visible };
            // re-creating a soft-deleted stream continues its revisions after the hidden events
            return this.success(await this.store.append(stream, events, stored === 'no_stream' ? NO_STREAM : stored));
          }
          return this.success(await this.store.append(stream, events, NO_STREAM));
        }
        case 'streamExists': {
          const visible = await this.visibleRevision(stream);
          if (visible === 'no_stream') return { kind: 'wrongExpectedVersion', current: 'no_stream' };
          return this.success(await this.store.append(stream, events, ANY));
        }
      }
    } catch (error) {
      if (error instanceof WrongExpectedVersion) {
        const actual = error.actual;
        return { kind: 'wrongExpectedVersion', current: typeof actual === 'number' ? actual : 'no_stream' };
      }
      throw translateStoreError(error);
    }
  }

  async delete(stream: string, expected: WireExpected, tombstone: boolean): Promise<DeleteOutcome> {
    if (this.deletions.isTombstoned(stream)) return { kind: 'streamDeleted' };
    const stored = await this.lastStoredRevision(stream);
    const visible = stored === 'no_stream' || stored < this.deletions.truncateBefore(stream) ? 'no_stream' : stored;
    if (!expectationHolds(expected, visible)) return { kind: 'wrongExpectedVersion', current: visible };
    if (tombstone) this.deletions.tombstone(stream);
    else this.deletions.softDelete(stream, stored === 'no_stream' ? 0 : stored + 1);
    return { kind: 'success', position: await this.store.headPosition() };
  }

  /** events of a stream visible to reads; throws StreamNotFound when none */
  visibleEvents(stream: string, events: RecordedEvent[]): RecordedEvent[] {
    const truncateBefore = this.deletions.truncateBefore(stream);
    return truncateBefore === 0 ? events : events.filter((event) => event.revision >= truncateBefore);
  }

  isTombstoned(stream: string): boolean {
    return this.deletions.isTombstoned(stream);
  }

  truncateBefore(stream: string): number {
    return this.deletions.truncateBefore(stream);
  }

  private success(result: { nextRevision: number; position: Position }): AppendOutcome {
    return { kind: 'success', nextRevision: result.nextRevision, position: result.position };
  }
}

function expectationHolds(expected: WireExpected, current: CurrentRevision): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'noStream':
      return current === 'no_stream';
    case 'streamExists':
      return current !== 'no_stream';
    case 'revision':
      return current === expected.revision;
  }
}

/** Backing-store rejections of the request become protocol errors; anything else is a fault. */
function translateStoreError(error: unknown): unknown {
  if (error instanceof EventTooLarge) return new MaximumAppendSizeExceeded(error.maxBytes);
  if (error instanceof InvalidStreamName || error instanceof InvalidEventData) return new InvalidRequest(error.message);
  return error;
}
