import { deterministicEventId } from './ids.js';
import type { EventData, EventMetadata, RecordedEvent } from './port.js';

export const SCHEMA_VERSION = 1;

/** What a decider emits: a typed payload plus the idempotency key it answers (DESIGN §3.4). */
export interface DomainEvent<T extends string = string, D = Record<string, unknown>> {
  type: T;
  key: string;
  data: D;
}

export interface CausationContext {
  correlationId: string;
  causationId: string;
  /** ISO time: the request's for API commands, the causing event's for workflows */
  occurredAt: string;
}

/** Causation of an event written in reaction to `cause`: same correlation, same occurredAt. */
export function causedBy(cause: RecordedEvent): CausationContext {
  return {
    correlationId: (cause.metadata.$correlationId as string | undefined) ?? cause.id,
    causationId: cause.id,
    occurredAt: (cause.metadata.occurredAt as string | undefined) ?? cause.created,
  };
}

/**
 * Envelope of one append: deterministic ids (stream + key + index among the events of that key
 * in this append), metadata with correlation/causation and occurredAt.
 */
export function toEventData(stream: string, events: readonly DomainEvent[], context: CausationContext): EventData[] {
  // appends hold a few events: counting the same key among the earlier ones beats a Map
  const indexByKey = events.length > 8 ? new Map<string, number>() : undefined;
  return events.map((event, position) => {
    let index = 0;
    if (indexByKey) {
      index = indexByKey.get(event.key) ?? 0;
      indexByKey.set(event.key, index + 1);
    } else for (let i = 0; i < position; i++) if (events[i]!.key === event.key) index += 1;
    const metadata: EventMetadata = {
      $correlationId: context.correlationId,
      $causationId: context.causationId,
      idempotencyKey: event.key,
      occurredAt: context.occurredAt,
      schemaVersion: SCHEMA_VERSION,
    };
    return { id: deterministicEventId(stream, event.key, index), type: event.type, data: event.data as Record<string, unknown>, metadata };
  });
}
