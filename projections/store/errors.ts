/** The read store's own error types; the Redis adapter translates its replies into these. */

export class ReadStoreError extends Error {
  override name = 'ReadStoreError';
}

/** A write op or key that the port does not accept (caught before anything is written). */
export class InvalidWriteOp extends ReadStoreError {
  override name = 'InvalidWriteOp';
}

/** A batch would use a key as another data structure than it holds; nothing was written. */
export class ReadStoreWrongType extends ReadStoreError {
  override name = 'ReadStoreWrongType';
  constructor(readonly key: string, readonly holds: string, readonly op: string) {
    super(`${op} on ${key}, which holds a ${holds}: batch rejected, nothing written`);
  }
}

/** deleteVersion on the version readers are pointed at. */
export class CurrentVersionInUse extends ReadStoreError {
  override name = 'CurrentVersionInUse';
  constructor(readonly projection: string, readonly version: number) {
    super(`version ${version} of ${projection} is current: switch before deleting it`);
  }
}

export class ReadStoreClosed extends ReadStoreError {
  override name = 'ReadStoreClosed';
  constructor() {
    super('read store is closed');
  }
}

/** A read with arguments the port does not accept (a negative page size, a NaN bound...). */
export class InvalidReadArgument extends ReadStoreError {
  override name = 'InvalidReadArgument';
}
