import { parse as parseUuid, stringify as stringifyUuid } from 'uuid';
import { sharedPb, streamsPb, type SharedPb, type StreamsPb } from '../../../eventstore/esdb/wire.js';
import type { EventData, EventMetadata, Position, RecordedEvent } from '../../../eventstore/port.js';

/** .NET ticks (100 ns) per millisecond: EventStoreDB's `created` is ticks since the Unix epoch. */
const TICKS_PER_MS = 10_000n;

export class InvalidRequest extends Error {
  override name = 'InvalidRequest';
}

export function streamNameOf(identifier: SharedPb.StreamIdentifier | undefined): string {
  if (!identifier) throw new InvalidRequest('missing stream identifier');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function streamIdentifier(stream: string): SharedPb.StreamIdentifier {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(stream, 'utf8'));
  return identifier;
}

export function uuidToString(uuid: SharedPb.UUID | undefined): string {
  if (!uuid) throw new InvalidRequest('missing event id');
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())));
    view.setBigUint64(8, BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())));
    return stringifyUuid(bytes);
  }
  return uuid.getString();
}

export function uuidMessage(id: string, structured: boolean): SharedPb.UUID {
  const uuid = new sharedPb.UUID();
  if (!structured) {
    uuid.setString(id);
    return uuid;
  }
  const view = new DataView(parseUuid(id).buffer as ArrayBuffer);
  const value = new sharedPb.UUID.Structured();
  // int64 on the wire: the signed reading of each half
  value.setMostSignificantBits(view.getBigInt64(0).toString());
  value.setLeastSignificantBits(view.getBigInt64(8).toString());
  uuid.setStructured(value);
  return uuid;
}

interface ProposedLike {
  getId(): SharedPb.UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new InvalidRequest(`${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidRequest(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** A proposed message as the port's EventData: JSON objects only (the backing store holds JSON). */
export function toEventData(message: ProposedLike): EventData {
  const metadataMap = message.getMetadataMap();
  const type = metadataMap.get('type');
  if (!type) throw new InvalidRequest('missing event type');
  const contentType = metadataMap.get('content-type');
  if (contentType !== 'application/json') throw new InvalidRequest(`content type ${String(contentType)} is not supported by the emulator`);
  const id = uuidToString(message.getId());
  const data = parseJsonObject(message.getData_asU8(), 'event data');
  const customMetadata = message.getCustomMetadata_asU8();
  const metadata = customMetadata.length === 0 ? {} : (parseJsonObject(customMetadata, 'event metadata') as EventMetadata);
  return { id, type, data, metadata };
}

export function createdTicks(created: string): string {
  return (BigInt(Date.parse(created)) * TICKS_PER_MS).toString();
}

/** The emulator presents a store position as both the commit and the prepare position. */
export function storePositionOf(commit: string): Position {
  return BigInt(commit).toString();
}

export function readEventResponse(event: RecordedEvent, structuredUuid: boolean): StreamsPb.ReadResp {
  const record = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  record.setId(uuidMessage(event.id, structuredUuid));
  record.setStreamIdentifier(streamIdentifier(event.stream));
  record.setStreamRevision(String(event.revision));
  record.setCommitPosition(event.position);
  record.setPreparePosition(event.position);
  const metadata = record.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', 'application/json');
  metadata.set('created', createdTicks(event.created));
  record.setData(Buffer.from(JSON.stringify(event.data), 'utf8'));
  record.setCustomMetadata(Buffer.from(JSON.stringify(event.metadata), 'utf8'));
  const readEvent = new streamsPb.ReadResp.ReadEvent();
  readEvent.setEvent(record);
  readEvent.setCommitPosition(event.position);
  const response = new streamsPb.ReadResp();
  response.setEvent(readEvent);
  return response;
}
