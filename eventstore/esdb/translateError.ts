import {
  isCommandError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  AccessDeniedError,
  InvalidArgumentError,
  NotFoundError,
  NoStreamError,
} from '@eventstore/db-client';
import { EventStoreError, EventTooLarge, StreamDeleted, StreamNotFound, WrongExpectedVersion } from '../errors.js';
import type { ExpectedRevision } from '../port.js';

export interface ErrorContext {
  stream?: string;
  expected?: ExpectedRevision;
  /** bytes of the largest event of the append, for EventTooLarge */
  largestEventBytes?: number;
}

/** The client's errors as the port's types; anything unrecognised keeps its message and cause. */
export function translateError(error: unknown, context: ErrorContext = {}): unknown {
  if (error instanceof EventStoreError) return error;
  if (error instanceof WrongExpectedVersionError) {
    const stream = context.stream ?? error.streamName;
    const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : 'no_stream';
    const expected = context.expected ?? (typeof error.expectedVersion === 'bigint' ? Number(error.expectedVersion) : error.expectedVersion);
    return new WrongExpectedVersion(stream, expected, actual);
  }
  if (error instanceof StreamNotFoundError || error instanceof NoStreamError) return new StreamNotFound(context.stream ?? (error as StreamNotFoundError).streamName ?? '');
  if (error instanceof StreamDeletedError) return new StreamDeleted(context.stream ?? error.streamName);
  if (error instanceof MaxAppendSizeExceededError) return new EventTooLarge(context.largestEventBytes ?? error.maxAppendSize + 1, error.maxAppendSize);
  if (isCommandError(error as Error)) {
    return new EventStoreError(`EventStoreDB ${(error as { type?: string }).type ?? 'error'}: ${(error as Error).message}`, { cause: error });
  }
  return error;
}

/** A subscription dropped for these reasons is not worth retrying. */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof AccessDeniedError ||
    error instanceof InvalidArgumentError ||
    error instanceof NotFoundError ||
    error instanceof StreamDeletedError ||
    (error instanceof EventStoreError && !(error.cause instanceof Error && isCommandError(error.cause)))
  );
}
