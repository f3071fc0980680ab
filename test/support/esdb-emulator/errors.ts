import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { anyPb, codePb, emptyPb, sharedPb, statusPb, type StatusPb } from '../../../eventstore/esdb/wire.js';
import type { CurrentRevision, WireExpected } from './semantics.js';
import { streamIdentifier } from './convert.js';

/**
 * Errors as EventStoreDB puts them on the wire. Unary and streaming calls carry a gRPC status
 * whose trailers name the `exception` (the client's convertToCommandError keys on it);
 * BatchAppend carries a google.rpc.Status with a packed detail message per result instead.
 */
function serviceError(code: status, details: string, trailers: Record<string, string>): ServiceError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export function streamDeletedError(stream: string): ServiceError {
  return serviceError(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });
}

/** EventStoreDB's numeric expected-version codes, as its trailers spell them */
function expectedVersionCode(expected: WireExpected): string {
  switch (expected.kind) {
    case 'revision':
      return String(expected.revision);
    case 'noStream':
      return '-1';
    case 'any':
      return '-2';
    case 'streamExists':
      return '-4';
  }
}

export function wrongExpectedVersionError(stream: string, expected: WireExpected, current: CurrentRevision): ServiceError {
  const trailers: Record<string, string> = {
    exception: 'wrong-expected-version',
    'stream-name': stream,
    'expected-version': expectedVersionCode(expected),
  };
  if (current !== 'no_stream') trailers['actual-version'] = String(current);
  return serviceError(
    status.FAILED_PRECONDITION,
    `Append failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${expectedVersionCode(expected)}, Actual version: ${current === 'no_stream' ? '-1' : current}`,
    trailers,
  );
}

export function maximumAppendSizeExceededError(maxBytes: number): ServiceError {
  return serviceError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxBytes} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxBytes),
  });
}

export function invalidArgumentError(message: string): ServiceError {
  return serviceError(status.INVALID_ARGUMENT, message, {});
}

export function internalError(error: unknown): ServiceError {
  return serviceError(status.INTERNAL, error instanceof Error ? error.message : String(error), {});
}

export function unavailableError(message: string): ServiceError {
  return serviceError(status.UNAVAILABLE, message, {});
}

function packedStatus(code: number, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string): StatusPb.Status {
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), typeName);
  const result = new statusPb.Status();
  result.setCode(code);
  result.setMessage(message);
  result.setDetails(any);
  return result;
}

export function batchWrongExpectedVersion(expected: WireExpected, current: CurrentRevision): StatusPb.Status {
  const detail = new sharedPb.WrongExpectedVersion();
  if (current === 'no_stream') detail.setCurrentNoStream(new emptyPb.Empty());
  else detail.setCurrentStreamRevision(String(current));
  switch (expected.kind) {
    case 'revision':
      detail.setExpectedStreamPosition(String(expected.revision));
      break;
    case 'noStream':
      detail.setExpectedNoStream(new emptyPb.Empty());
      break;
    case 'any':
      detail.setExpectedAny(new emptyPb.Empty());
      break;
    case 'streamExists':
      detail.setExpectedStreamExists(new emptyPb.Empty());
      break;
  }
  return packedStatus(codePb.Code.FAILED_PRECONDITION, 'Wrong expected version.', detail, 'event_store.client.WrongExpectedVersion');
}

export function batchStreamDeleted(stream: string): StatusPb.Status {
  const detail = new sharedPb.StreamDeleted();
  detail.setStreamIdentifier(streamIdentifier(stream));
  return packedStatus(codePb.Code.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, detail, 'event_store.client.StreamDeleted');
}

export function batchMaximumAppendSizeExceeded(maxBytes: number): StatusPb.Status {
  const detail = new sharedPb.MaximumAppendSizeExceeded();
  detail.setMaxappendsize(maxBytes);
  return packedStatus(codePb.Code.INVALID_ARGUMENT, `Maximum Append Size of ${maxBytes} Exceeded.`, detail, 'event_store.client.MaximumAppendSizeExceeded');
}

export function batchBadRequest(message: string): StatusPb.Status {
  const detail = new sharedPb.BadRequest();
  detail.setMessage(message);
  return packedStatus(codePb.Code.INVALID_ARGUMENT, message, detail, 'event_store.client.BadRequest');
}

export function batchUnknown(message: string): StatusPb.Status {
  return packedStatus(codePb.Code.UNKNOWN, message, new sharedPb.Unknown(), 'event_store.client.Unknown');
}
