/** The store's own error types; adapters translate their backend's errors into these. */

export class EventStoreError extends Error {
  override name = 'EventStoreError';
}

export class WrongExpectedVersion extends EventStoreError {
  override name = 'WrongExpectedVersion';
  constructor(
    readonly stream: string,
    /** 'no_stream' | 'any' | revision */
    readonly expected: string | number,
    /** current revision, or 'no_stream' */
    readonly actual: string | number,
  ) {
    super(`wrong expected version on ${stream}: expected ${expected}, actual ${actual}`);
  }
}

export class StreamNotFound extends EventStoreError {
  override name = 'StreamNotFound';
  constructor(readonly stream: string) {
    super(`stream not found: ${stream}`);
  }
}

export class StreamDeleted extends EventStoreError {
  override name = 'StreamDeleted';
  constructor(readonly stream: string) {
    super(`stream deleted: ${stream}`);
  }
}

export class InvalidStreamName extends EventStoreError {
  override name = 'InvalidStreamName';
  constructor(readonly stream: string, reason: string) {
    super(`invalid stream name ${JSON.stringify(stream)}: ${reason}`);
  }
}

export class InvalidEventData extends EventStoreError {
  override name = 'InvalidEventData';
}

export class EventTooLarge extends EventStoreError {
  override name = 'EventTooLarge';
  constructor(readonly sizeBytes: number, readonly maxBytes: number) {
    super(`event of ${sizeBytes} bytes exceeds the limit of ${maxBytes}`);
  }
}

export class StoreClosed extends EventStoreError {
  override name = 'StoreClosed';
  constructor() {
    super('event store is closed');
  }
}

export class StoreCorrupted extends EventStoreError {
  override name = 'StoreCorrupted';
}
