/**
 * The raw client and its error classes, for protocol tests of the wire emulator: they drive the
 * real client directly, and this folder is the only one that imports the package.
 */
export {
  EventStoreDBClient,
  jsonEvent,
  streamNameFilter,
  eventTypeFilter,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  NO_STREAM,
  ANY,
  START,
  END,
  FORWARDS,
  BACKWARDS,
} from '@eventstore/db-client';
export type { Position as EsdbClientPosition, ResolvedEvent } from '@eventstore/db-client';
