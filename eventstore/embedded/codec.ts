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
export const BODY_FIXED_BYTES = 24;
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

/** Byte offset of the stream name in the frame at `frameOffset` (the body's fixed part comes first). */
const STRINGS_AT = FRAME_HEADER_BYTES + BODY_FIXED_BYTES;

/** The indexing fields of the frame at `frameOffset`, without parsing its JSON. */
export function decodeHead(frame: Buffer, frameOffset: number, _frameLength: number): RecordHead {
  const at = frameOffset + FRAME_HEADER_BYTES;
  const streamEnd = frameOffset + STRINGS_AT + frame.readUInt16LE(at + 2);
  const idEnd = streamEnd + frame.readUInt16LE(at + 4);
  const typeEnd = idEnd + frame.readUInt16LE(at + 6);
  return {
    stream: frame.toString('utf8', frameOffset + STRINGS_AT, streamEnd),
    id: frame.toString('utf8', streamEnd, idEnd),
    type: frame.toString('utf8', idEnd, typeEnd),
    revision: frame.readUInt32LE(at + 8),
    createdMs: frame.readDoubleLE(at + 12),
  };
}

/**
 * Whether the stream name of the frame starts with `prefix`, read from the bytes: a filtered
 * subscription skips most records, and this spares it their strings. An ASCII prefix is compared
 * byte for byte (a UTF-8 multi-byte sequence never holds an ASCII byte); any other is decoded.
 */
export function streamStartsWith(frame: Buffer, frameOffset: number, prefix: string): boolean {
  const streamBytes = frame.readUInt16LE(frameOffset + FRAME_HEADER_BYTES + 2);
  const start = frameOffset + STRINGS_AT;
  for (let i = 0; i < prefix.length; i++) {
    const code = prefix.charCodeAt(i);
    if (code >= 0x80) return frame.toString('utf8', start, start + streamBytes).startsWith(prefix);
    if (i >= streamBytes || frame[start + i] !== code) return false;
  }
  return true;
}

/*
 * A full read formats one instant per record, and a busy log has a new millisecond on nearly
 * every record: the text up to the seconds is remembered per second (bounded) and only the
 * milliseconds are appended. Instants outside years 1970–9999 or with a fraction of a
 * millisecond take Date's own formatting.
 */
const isoSecondCache = new Map<number, string>();
const ISO_CACHE_SECONDS = 4096;
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_800_000;

export function isoOf(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_FOUR_DIGIT_YEAR_MS) return new Date(ms).toISOString();
  const second = Math.floor(ms / 1000);
  let prefix = isoSecondCache.get(second);
  if (prefix === undefined) {
    // 'YYYY-MM-DDTHH:MM:SS.' of the whole second
    prefix = new Date(second * 1000).toISOString().slice(0, 20);
    if (isoSecondCache.size >= ISO_CACHE_SECONDS) isoSecondCache.clear();
    isoSecondCache.set(second, prefix);
  }
  const millis = ms - second * 1000;
  return `${prefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** The whole event; `head`, when the caller decoded it already (to filter), is not decoded twice. */
export function decodeEvent(frame: Buffer, frameOffset: number, frameLength: number, position: string, head?: RecordHead): RecordedEvent {
  const at = frameOffset + FRAME_HEADER_BYTES;
  const metadataStart = frameOffset + STRINGS_AT + frame.readUInt16LE(at + 2) + frame.readUInt16LE(at + 4) + frame.readUInt16LE(at + 6);
  const dataStart = metadataStart + frame.readUInt32LE(at + 20);
  const h = head ?? decodeHead(frame, frameOffset, frameLength);
  return {
    id: h.id,
    type: h.type,
    stream: h.stream,
    revision: h.revision,
    position,
    data: JSON.parse(frame.toString('utf8', dataStart, frameOffset + frameLength)) as Record<string, unknown>,
    metadata: JSON.parse(frame.toString('utf8', metadataStart, dataStart)) as RecordedEvent['metadata'],
    created: isoOf(h.createdMs),
  };
}
