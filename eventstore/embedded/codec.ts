import { crc32 } from 'node:zlib';
import type { EventData, RecordedEvent } from '../port.js';
import { serializedPayloadOf } from '../validating.js';

/**
 * One log record = frame header + body.
 *
 * Frame header (12 bytes): bodyLength u32 LE, bodyCrc u32 LE, headerCrc u32 LE (CRC32 of the
 * first 8 bytes). The separate header checksum lets recovery tell a torn length field from a
 * real one, and lets it search cheaply for valid records after a damaged one.
 *
 * Body: format u8, reserved u8, streamLength u16, idLength u16, typeLength u16, revision u32,
 * createdMs f64, metadataLength u32, then stream, id, type (UTF-8), metadata JSON, data JSON.
 * Stream, id and type come before the JSON so indexing and filtering never parse payloads.
 */
export const FRAME_HEADER_BYTES = 12;
const BODY_FIXED_BYTES = 24;
const FORMAT_V1 = 1;
/** Upper bound of a sane body; anything larger in a header is damage, not data. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface RecordHead {
  stream: string;
  id: string;
  type: string;
  revision: number;
  createdMs: number;
}

export function encodeRecord(stream: string, event: EventData, revision: number, createdMs: number): Buffer {
  const payload = serializedPayloadOf(event) ?? { data: JSON.stringify(event.data), metadata: JSON.stringify(event.metadata ?? {}) };
  const streamBytes = Buffer.byteLength(stream);
  const idBytes = Buffer.byteLength(event.id);
  const typeBytes = Buffer.byteLength(event.type);
  const metadataBytes = Buffer.byteLength(payload.metadata);
  const dataBytes = Buffer.byteLength(payload.data);
  const bodyLength = BODY_FIXED_BYTES + streamBytes + idBytes + typeBytes + metadataBytes + dataBytes;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bodyLength);
  let at = FRAME_HEADER_BYTES;
  at = frame.writeUInt8(FORMAT_V1, at);
  at = frame.writeUInt8(0, at);
  at = frame.writeUInt16LE(streamBytes, at);
  at = frame.writeUInt16LE(idBytes, at);
  at = frame.writeUInt16LE(typeBytes, at);
  at = frame.writeUInt32LE(revision, at);
  at = frame.writeDoubleLE(createdMs, at);
  at = frame.writeUInt32LE(metadataBytes, at);
  at += frame.write(stream, at, 'utf8');
  at += frame.write(event.id, at, 'utf8');
  at += frame.write(event.type, at, 'utf8');
  at += frame.write(payload.metadata, at, 'utf8');
  frame.write(payload.data, at, 'utf8');
  frame.writeUInt32LE(bodyLength, 0);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  frame.writeUInt32LE(crc32(frame.subarray(0, 8)), 8);
  return frame;
}

export type FrameCheck =
  | { ok: true; bodyLength: number }
  | { ok: false; reason: 'truncated-header' | 'bad-header' | 'truncated-body' | 'bad-body-checksum' };

/** Validates the frame starting at `offset` of `buffer` (which must hold the whole frame to pass). */
export function checkFrame(buffer: Buffer, offset: number): FrameCheck {
  if (buffer.length - offset < FRAME_HEADER_BYTES) return { ok: false, reason: 'truncated-header' };
  const bodyLength = buffer.readUInt32LE(offset);
  if (bodyLength < BODY_FIXED_BYTES || bodyLength > MAX_BODY_BYTES || crc32(buffer.subarray(offset, offset + 8)) !== buffer.readUInt32LE(offset + 8)) {
    return { ok: false, reason: 'bad-header' };
  }
  const end = offset + FRAME_HEADER_BYTES + bodyLength;
  if (end > buffer.length) return { ok: false, reason: 'truncated-body' };
  if (crc32(buffer.subarray(offset + FRAME_HEADER_BYTES, end)) !== buffer.readUInt32LE(offset + 4)) return { ok: false, reason: 'bad-body-checksum' };
  return { ok: true, bodyLength };
}

interface BodyLayout extends RecordHead {
  metadataStart: number;
  dataStart: number;
  end: number;
}

function layout(frame: Buffer, frameOffset: number, frameLength: number): BodyLayout {
  let at = frameOffset + FRAME_HEADER_BYTES + 2;
  const streamBytes = frame.readUInt16LE(at);
  const idBytes = frame.readUInt16LE(at + 2);
  const typeBytes = frame.readUInt16LE(at + 4);
  const revision = frame.readUInt32LE(at + 6);
  const createdMs = frame.readDoubleLE(at + 10);
  const metadataBytes = frame.readUInt32LE(at + 18);
  at += 22;
  const stream = frame.toString('utf8', at, (at += streamBytes));
  const id = frame.toString('utf8', at, (at += idBytes));
  const type = frame.toString('utf8', at, (at += typeBytes));
  return { stream, id, type, revision, createdMs, metadataStart: at, dataStart: at + metadataBytes, end: frameOffset + frameLength };
}

/** The indexing fields of the frame at `frameOffset`, without parsing its JSON. */
export function decodeHead(frame: Buffer, frameOffset: number, frameLength: number): RecordHead {
  const { stream, id, type, revision, createdMs } = layout(frame, frameOffset, frameLength);
  return { stream, id, type, revision, createdMs };
}

export function decodeEvent(frame: Buffer, frameOffset: number, frameLength: number, position: string): RecordedEvent {
  const l = layout(frame, frameOffset, frameLength);
  return {
    id: l.id,
    type: l.type,
    stream: l.stream,
    revision: l.revision,
    position,
    data: JSON.parse(frame.toString('utf8', l.dataStart, l.end)) as Record<string, unknown>,
    metadata: JSON.parse(frame.toString('utf8', l.metadataStart, l.dataStart)) as RecordedEvent['metadata'],
    created: new Date(l.createdMs).toISOString(),
  };
}
