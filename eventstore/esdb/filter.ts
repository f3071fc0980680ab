import { eventTypeFilter, excludeSystemEvents, streamNameFilter, type Filter, type Position as ClientPosition } from '@eventstore/db-client';
import type { EventFilter, RecordedEvent } from '../port.js';

/** EventStoreDB's own streams and events ($stats, $metadata, …) are never the application's. */
export function isSystemEvent(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$');
}

export function portFilterMatches(filter: EventFilter | undefined): (event: RecordedEvent) => boolean {
  const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : undefined;
  const types = filter?.eventTypes?.length ? new Set(filter.eventTypes) : undefined;
  return (event) =>
    !isSystemEvent(event.stream, event.type) &&
    (!prefixes || prefixes.some((prefix) => event.stream.startsWith(prefix))) &&
    (!types || types.has(event.type));
}

function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The server evaluates one expression, on the stream name or on the event type; the port filter
 * may name both (AND). The stream prefixes go to the server (the narrower cut in practice), the
 * rest is checked here by `portFilterMatches`. Without a port filter the server still drops
 * system events, so checkpoints keep flowing while they are skipped.
 */
export function serverFilter(
  filter: EventFilter | undefined,
  checkpointIntervalEvents: number,
  checkpointReached: (position: ClientPosition) => void,
): Filter {
  const common = {
    maxSearchWindow: checkpointIntervalEvents,
    checkpointInterval: 1,
    checkpointReached: (_subscription: unknown, position: ClientPosition) => checkpointReached(position),
  };
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: filter.streamPrefixes, ...common });
  if (filter?.eventTypes?.length) return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegex).join('|')})$`, ...common });
  return excludeSystemEvents(common);
}
