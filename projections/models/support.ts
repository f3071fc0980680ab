/**
 * Small helpers shared by the read-model projections: event fields every model needs, and the
 * one way a projection refuses an event (ImpossibleEvent, never a clamp).
 */
import type { RecordedEvent } from '../../eventstore/port.js';
import { ImpossibleEvent } from '../runner/projection.js';

/** When the event happened: the metadata's occurredAt (copied along causation), else the commit time. */
export function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  return typeof at === 'string' ? at : event.created;
}

export function impossible(event: RecordedEvent, message: string, details: Record<string, unknown> = {}): ImpossibleEvent {
  return new ImpossibleEvent(`${event.type} ${event.id} on ${event.stream}: ${message}`, { eventId: event.id, stream: event.stream, ...details });
}

/** A required string field of the payload; its absence is a schema error, not something to default. */
export function field(event: RecordedEvent, name: string): string {
  const value = event.data[name];
  if (typeof value !== 'string') throw impossible(event, `payload field ${name} is missing or not a string`);
  return value;
}

/** Runs domain code (evolve, ledger rules) and turns what it throws into an ImpossibleEvent. */
export function guarded<T>(event: RecordedEvent, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof ImpossibleEvent) throw error;
    throw impossible(event, (error as Error).message);
  }
}

/** JSON with keys in insertion order: members built by the same code serialise identically. */
export function member(value: unknown): string {
  return JSON.stringify(value);
}
