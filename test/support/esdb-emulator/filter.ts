import type { StreamsPb } from '../../../eventstore/esdb/wire.js';
import type { RecordedEvent } from '../../../eventstore/port.js';

/** EventStoreDB's default search window when the client sends `count` instead of `max`. */
export const DEFAULT_MAX_SEARCH_WINDOW = 32;

/**
 * A server-side $all filter as EventStoreDB evaluates it: one expression (a prefix list or a
 * regex) applied to either the stream name or the event type. Regexes are JavaScript regexes
 * here, .NET regexes on the server; the patterns clients send (`^[^$].*`, alternations of
 * literal names) behave the same in both.
 */
export interface WireFilter {
  matches(event: RecordedEvent): boolean;
  /** a checkpoint is due after this many scanned events */
  checkpointIntervalEvents: number;
}

export function wireFilterFrom(options: StreamsPb.ReadReq.Options): WireFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter()!;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType();
  if (!expression) return undefined;
  const prefixes = expression.getPrefixList();
  const regexSource = expression.getRegex();
  const regex = regexSource ? new RegExp(regexSource) : undefined;
  const subject = (event: RecordedEvent) => (onStream ? event.stream : event.type);
  const matchesValue = (value: string) =>
    (prefixes.length === 0 || prefixes.some((prefix) => value.startsWith(prefix))) && (!regex || regex.test(value));
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_MAX_SEARCH_WINDOW;
  const multiplier = Math.max(1, filter.getCheckpointintervalmultiplier());
  return {
    matches: (event) => matchesValue(subject(event)),
    checkpointIntervalEvents: Math.max(1, window * multiplier),
  };
}
