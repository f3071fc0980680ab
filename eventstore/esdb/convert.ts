import { jsonEvent, type EventData as ClientEventData, type RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import { EventStoreError } from '../errors.js';
import type { EventData, EventMetadata, RecordedEvent } from '../port.js';
import { toPortPosition } from './positions.js';

export function toClientEvent(event: EventData): ClientEventData {
  return jsonEvent({ id: event.id, type: event.type, data: event.data as never, metadata: event.metadata });
}

export function eventBytes(event: EventData): number {
  return Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
}

export function toRecordedEvent(event: ClientRecordedEvent): RecordedEvent {
  if (!event.position) {
    // servers before 22.6 leave $all positions off stream reads; the port needs them
    throw new EventStoreError(`EventStoreDB did not report the $all position of ${event.streamId}@${event.revision}`);
  }
  const metadata = event.metadata && typeof event.metadata === 'object' && !(event.metadata instanceof Uint8Array) ? (event.metadata as EventMetadata) : {};
  return {
    id: event.id,
    type: event.type,
    stream: event.streamId,
    revision: Number(event.revision),
    position: toPortPosition(event.position),
    data: event.data as Record<string, unknown>,
    metadata,
    created: event.created.toISOString(),
  };
}
