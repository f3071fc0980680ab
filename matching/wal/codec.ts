/**
 * WAL record format. A record is a frame:
 *
 *   u32 payloadLength | u32 crc32(payload) | payload
 *
 * and an entry payload is
 *
 *   u8 RECORD_ENTRY | u48 entrySeq | i48 expectedMarketRevision | str8 sourcePosition
 *   | input | str16 eventId | str16 correlationId | str8 occurredAt | outputs
 *
 *   input   = u8 INPUT_PLACE  u8 side u8 type u8 tif u8 invalid f64 priceTicks f64 qtyLots str16 orderId str16 userId
 *           | u8 INPUT_CANCEL str16 orderId
 *   outputs = u32 byteLength u16 count output*
 *   output  = u8 OUT_RESTED u8 side f64 priceTicks f64 qtyLots
 *           | u8 OUT_TRADE f64 seq f64 priceTicks f64 qtyLots f64 makerRemaining f64 takerRemaining str16 makerOrderId str16 makerUserId
 *           | u8 OUT_CANCELLED f64 remaining | u8 OUT_EXPIRED f64 remaining u8 reason | u8 OUT_REJECTED u8 reason
 *
 * Little-endian; strings UTF-8 with a u8/u16 byte length; integers that may pass 2^32 are
 * float64 (exact below 2^53). The outputs block carries its byte length so recovery can compare
 * replayed outputs with the recorded ones byte for byte without decoding them.
 */
import { crc32 } from 'node:zlib';
import type { BookSide, ExpiryReasonCode, OrderTypeCode, TimeInForceCode } from '../book/types.js';
import {
  INPUT_CANCEL, INPUT_PLACE, OUT_CANCELLED, OUT_EXPIRED, OUT_REJECTED, OUT_RESTED, OUT_TRADE,
  type EngineInput, type EngineOutput, type EngineRejectCode, type WalEntry,
} from '../engine/types.js';

export const FRAME_HEADER_BYTES = 8;
/** Bound on one record: far above any real entry (a taker sweeping 10,000 makers is ~1 MB). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
export const RECORD_ENTRY = 1;

export class WalFormatError extends Error {
  override name = 'WalFormatError';
}

/** A growable byte buffer written front to back. */
export class ByteWriter {
  buf: Buffer;
  length = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reset(): void { this.length = 0; }

  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(v: number): void { this.ensure(1); this.buf[this.length++] = v; }
  u16(v: number): void { this.ensure(2); this.buf.writeUInt16LE(v, this.length); this.length += 2; }
  u32(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v, this.length); this.length += 4; }
  u48(v: number): void { this.ensure(6); this.buf.writeUIntLE(v, this.length, 6); this.length += 6; }
  i48(v: number): void { this.ensure(6); this.buf.writeIntLE(v, this.length, 6); this.length += 6; }
  f64(v: number): void { this.ensure(8); this.buf.writeDoubleLE(v, this.length); this.length += 8; }

  str8(s: string): void { this.str(s, 1, 0xff); }
  str16(s: string): void { this.str(s, 2, 0xffff); }

  private str(s: string, lengthBytes: 1 | 2, max: number): void {
    this.ensure(lengthBytes + s.length * 3);
    const start = this.length + lengthBytes;
    const n = this.buf.write(s, start, 'utf8');
    if (n > max) throw new WalFormatError(`string of ${n} bytes exceeds ${max}`);
    if (lengthBytes === 1) this.buf[this.length] = n;
    else this.buf.writeUInt16LE(n, this.length);
    this.length = start + n;
  }
}

export class ByteReader {
  constructor(readonly buf: Buffer, public offset: number, readonly end: number) {}

  private need(n: number): void {
    if (this.offset + n > this.end) throw new WalFormatError(`record ends ${this.offset + n - this.end} bytes early`);
  }

  u8(): number { this.need(1); return this.buf[this.offset++]!; }
  u16(): number { this.need(2); const v = this.buf.readUInt16LE(this.offset); this.offset += 2; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.offset); this.offset += 4; return v; }
  u48(): number { this.need(6); const v = this.buf.readUIntLE(this.offset, 6); this.offset += 6; return v; }
  i48(): number { this.need(6); const v = this.buf.readIntLE(this.offset, 6); this.offset += 6; return v; }
  f64(): number { this.need(8); const v = this.buf.readDoubleLE(this.offset); this.offset += 8; return v; }
  str8(): string { const n = this.u8(); return this.text(n); }
  str16(): string { const n = this.u16(); return this.text(n); }
  skipStr8(): void { const n = this.u8(); this.need(n); this.offset += n; }
  skipStr16(): void { const n = this.u16(); this.need(n); this.offset += n; }

  private text(n: number): string {
    this.need(n);
    const s = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return s;
  }
}

/** Appends the outputs block (u32 byteLength, u16 count, outputs). */
export function encodeOutputs(w: ByteWriter, outputs: readonly EngineOutput[]): void {
  if (outputs.length > 0xffff) throw new WalFormatError(`${outputs.length} outputs in one entry exceed 65535`);
  const start = w.length;
  w.u32(0);
  w.u16(outputs.length);
  for (const out of outputs) {
    w.u8(out.kind);
    switch (out.kind) {
      case OUT_RESTED: w.u8(out.side); w.f64(out.priceTicks); w.f64(out.qtyLots); break;
      case OUT_TRADE:
        w.f64(out.seq); w.f64(out.priceTicks); w.f64(out.qtyLots); w.f64(out.makerRemainingLots); w.f64(out.takerRemainingLots);
        w.str16(out.makerOrderId); w.str16(out.makerUserId);
        break;
      case OUT_CANCELLED: w.f64(out.remainingLots); break;
      case OUT_EXPIRED: w.f64(out.remainingLots); w.u8(out.reason); break;
      case OUT_REJECTED: w.u8(out.reason); break;
    }
  }
  w.buf.writeUInt32LE(w.length - start, start);
}

/** Appends one framed entry record. */
export function encodeEntry(w: ByteWriter, entry: WalEntry): void {
  const frameStart = w.length;
  w.ensure(FRAME_HEADER_BYTES);
  w.length += FRAME_HEADER_BYTES;
  const payloadStart = w.length;
  const input = entry.input;
  w.u8(RECORD_ENTRY);
  w.u48(entry.entrySeq);
  w.i48(entry.expectedMarketRevision);
  w.str8(input.sourcePosition);
  w.u8(input.kind);
  if (input.kind === INPUT_PLACE) {
    w.u8(input.side); w.u8(input.type); w.u8(input.tif); w.u8(input.invalid);
    w.f64(input.priceTicks); w.f64(input.qtyLots);
    w.str16(input.orderId); w.str16(input.userId);
  } else {
    w.str16(input.orderId);
  }
  w.str16(input.eventId);
  w.str16(input.correlationId);
  w.str8(input.occurredAt);
  encodeOutputs(w, entry.outputs);
  const payloadLength = w.length - payloadStart;
  w.buf.writeUInt32LE(payloadLength, frameStart);
  w.buf.writeUInt32LE(crc32(w.buf.subarray(payloadStart, w.length)), frameStart + 4);
}

export type FrameCheck =
  | { ok: true; payloadStart: number; payloadEnd: number }
  | { ok: false; reason: string };

/** Validates the frame at `offset` of `buf` (which ends at `end`). */
export function checkFrame(buf: Buffer, offset: number, end: number): FrameCheck {
  if (end - offset < FRAME_HEADER_BYTES) return { ok: false, reason: `${end - offset} bytes left, less than a frame header` };
  const length = buf.readUInt32LE(offset);
  if (length === 0 || length > MAX_RECORD_BYTES) return { ok: false, reason: `implausible record length ${length}` };
  const payloadStart = offset + FRAME_HEADER_BYTES;
  const payloadEnd = payloadStart + length;
  if (payloadEnd > end) return { ok: false, reason: `record of ${length} bytes cut after ${end - payloadStart}` };
  const expected = buf.readUInt32LE(offset + 4);
  if (crc32(buf.subarray(payloadStart, payloadEnd)) !== expected) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, payloadStart, payloadEnd };
}

/** The parts recovery needs from an entry without decoding its strings for publishing. */
export interface EntryView {
  entrySeq: number;
  expectedMarketRevision: number;
  input: EngineInput;
  /** where the outputs block starts and ends inside the buffer */
  outputsStart: number;
  outputsEnd: number;
}

/**
 * withSource false leaves eventId, correlationId and occurredAt empty: replay needs only what
 * matching reads, and skipping three strings per entry is a third of the decoding time.
 */
export function decodeEntryView(buf: Buffer, payloadStart: number, payloadEnd: number, withSource = true): EntryView {
  const r = new ByteReader(buf, payloadStart, payloadEnd);
  const recordType = r.u8();
  if (recordType !== RECORD_ENTRY) throw new WalFormatError(`unknown record type ${recordType}`);
  const entrySeq = r.u48();
  const expectedMarketRevision = r.i48();
  const sourcePosition = r.str8();
  const kind = r.u8();
  let input: EngineInput;
  if (kind === INPUT_PLACE) {
    const side = r.u8() as BookSide;
    const type = r.u8() as OrderTypeCode;
    const tif = r.u8() as TimeInForceCode;
    const invalid = r.u8() as EngineRejectCode | 0;
    const priceTicks = r.f64();
    const qtyLots = r.f64();
    const orderId = r.str16();
    const userId = r.str16();
    const [eventId, correlationId, occurredAt] = readSource(r, withSource);
    input = { kind, sourcePosition, eventId, correlationId, occurredAt, orderId, userId, side, type, tif, priceTicks, qtyLots, invalid };
  } else if (kind === INPUT_CANCEL) {
    const orderId = r.str16();
    const [eventId, correlationId, occurredAt] = readSource(r, withSource);
    input = { kind, sourcePosition, eventId, correlationId, occurredAt, orderId };
  } else {
    throw new WalFormatError(`unknown input kind ${kind}`);
  }
  const outputsStart = r.offset;
  const outputsLength = r.u32();
  const outputsEnd = outputsStart + outputsLength;
  if (outputsEnd !== payloadEnd) throw new WalFormatError(`outputs block ends at ${outputsEnd}, record at ${payloadEnd}`);
  return { entrySeq, expectedMarketRevision, input, outputsStart, outputsEnd };
}

function readSource(r: ByteReader, decode: boolean): [string, string, string] {
  if (decode) return [r.str16(), r.str16(), r.str8()];
  r.skipStr16();
  r.skipStr16();
  r.skipStr8();
  return ['', '', ''];
}

export function decodeOutputs(buf: Buffer, start: number, end: number): EngineOutput[] {
  const r = new ByteReader(buf, start, end);
  r.u32();
  const count = r.u16();
  const outputs: EngineOutput[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const kind = r.u8();
    switch (kind) {
      case OUT_RESTED: outputs[i] = { kind, side: r.u8() as BookSide, priceTicks: r.f64(), qtyLots: r.f64() }; break;
      case OUT_TRADE: {
        const seq = r.f64(); const priceTicks = r.f64(); const qtyLots = r.f64();
        const makerRemainingLots = r.f64(); const takerRemainingLots = r.f64();
        const makerOrderId = r.str16(); const makerUserId = r.str16();
        outputs[i] = { kind, seq, makerOrderId, makerUserId, priceTicks, qtyLots, makerRemainingLots, takerRemainingLots };
        break;
      }
      case OUT_CANCELLED: outputs[i] = { kind, remainingLots: r.f64() }; break;
      case OUT_EXPIRED: outputs[i] = { kind, remainingLots: r.f64(), reason: r.u8() as ExpiryReasonCode }; break;
      case OUT_REJECTED: outputs[i] = { kind, reason: r.u8() as EngineRejectCode }; break;
      default: throw new WalFormatError(`unknown output kind ${kind}`);
    }
  }
  if (r.offset !== end) throw new WalFormatError(`outputs block has ${end - r.offset} trailing bytes`);
  return outputs;
}

export function decodeEntry(buf: Buffer, payloadStart: number, payloadEnd: number): WalEntry {
  const view = decodeEntryView(buf, payloadStart, payloadEnd);
  return { entrySeq: view.entrySeq, expectedMarketRevision: view.expectedMarketRevision, input: view.input, outputs: decodeOutputs(buf, view.outputsStart, view.outputsEnd) };
}
