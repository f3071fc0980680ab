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
import {
  SIDE_BUY, TIF_GTC, TYPE_LIMIT, type BookSide, type ExpiryReasonCode, type OrderTypeCode, type TimeInForceCode,
} from '../book/types.js';
import {
  INPUT_CANCEL, INPUT_PLACE, OUT_CANCELLED, OUT_EXPIRED, OUT_REJECTED, OUT_RESTED, OUT_TRADE,
  type CancelInput, type EngineInput, type EngineOutput, type EngineRejectCode, type PlaceInput, type WalEntry,
} from '../engine/types.js';
import { crc32Of } from './crc32.js';

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
    const chars = s.length;
    this.ensure(lengthBytes + chars * 3);
    const buf = this.buf;
    const start = this.length + lengthBytes;
    // ids, positions and timestamps are ASCII: copying char codes beats a native utf8 write call
    let i = 0;
    while (i < chars) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[start + i] = c;
      i += 1;
    }
    const n = i === chars ? chars : buf.write(s, start, 'utf8');
    if (n > max) throw new WalFormatError(`string of ${n} bytes exceeds ${max}`);
    if (lengthBytes === 1) buf[this.length] = n;
    else buf.writeUInt16LE(n, this.length);
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

/*
 * Encoding is split into steps so the engine can write an entry straight into the WAL batch while
 * the book reports its outputs (no entry or output objects on the hot path):
 *   beginEntry → beginOutputs → write{Rested,Trade,Cancelled,Expired,Rejected}* → endOutputs → endEntry
 */

export const OUTPUTS_HEADER_BYTES = 6;

/** Reserves the outputs block header; returns its start for endOutputs. */
export function beginOutputs(w: ByteWriter): number {
  const start = w.length;
  w.ensure(OUTPUTS_HEADER_BYTES);
  w.length += OUTPUTS_HEADER_BYTES;
  return start;
}

export function endOutputs(w: ByteWriter, start: number, count: number): void {
  if (count > 0xffff) throw new WalFormatError(`${count} outputs in one entry exceed 65535`);
  w.buf.writeUInt32LE(w.length - start, start);
  w.buf.writeUInt16LE(count, start + 4);
}

export function writeRested(w: ByteWriter, side: BookSide, priceTicks: number, qtyLots: number): void {
  w.u8(OUT_RESTED); w.u8(side); w.f64(priceTicks); w.f64(qtyLots);
}

export function writeTrade(w: ByteWriter, seq: number, priceTicks: number, qtyLots: number, makerRemainingLots: number,
                           takerRemainingLots: number, makerOrderId: string, makerUserId: string): void {
  w.u8(OUT_TRADE);
  w.f64(seq); w.f64(priceTicks); w.f64(qtyLots); w.f64(makerRemainingLots); w.f64(takerRemainingLots);
  w.str16(makerOrderId); w.str16(makerUserId);
}

export function writeCancelled(w: ByteWriter, remainingLots: number): void {
  w.u8(OUT_CANCELLED); w.f64(remainingLots);
}

export function writeExpired(w: ByteWriter, remainingLots: number, reason: ExpiryReasonCode): void {
  w.u8(OUT_EXPIRED); w.f64(remainingLots); w.u8(reason);
}

export function writeRejected(w: ByteWriter, reason: EngineRejectCode): void {
  w.u8(OUT_REJECTED); w.u8(reason);
}

/** Appends the outputs block (u32 byteLength, u16 count, outputs). */
export function encodeOutputs(w: ByteWriter, outputs: readonly EngineOutput[]): void {
  const start = beginOutputs(w);
  for (const out of outputs) {
    switch (out.kind) {
      case OUT_RESTED: writeRested(w, out.side, out.priceTicks, out.qtyLots); break;
      case OUT_TRADE:
        writeTrade(w, out.seq, out.priceTicks, out.qtyLots, out.makerRemainingLots, out.takerRemainingLots, out.makerOrderId, out.makerUserId);
        break;
      case OUT_CANCELLED: writeCancelled(w, out.remainingLots); break;
      case OUT_EXPIRED: writeExpired(w, out.remainingLots, out.reason); break;
      case OUT_REJECTED: writeRejected(w, out.reason); break;
    }
  }
  endOutputs(w, start, outputs.length);
}

/** Starts a framed entry record: frame header (patched by endEntry), entry head and input. Returns the frame start. */
export function beginEntry(w: ByteWriter, entrySeq: number, expectedMarketRevision: number, input: EngineInput): number {
  const frameStart = w.length;
  w.ensure(FRAME_HEADER_BYTES);
  w.length += FRAME_HEADER_BYTES;
  w.u8(RECORD_ENTRY);
  w.u48(entrySeq);
  w.i48(expectedMarketRevision);
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
  return frameStart;
}

/** Seals the record begun at frameStart (everything after it is its payload): length and CRC. */
export function endEntry(w: ByteWriter, frameStart: number): void {
  const payloadStart = frameStart + FRAME_HEADER_BYTES;
  w.buf.writeUInt32LE(w.length - payloadStart, frameStart);
  w.buf.writeUInt32LE(crc32Of(w.buf, payloadStart, w.length), frameStart + 4);
}

/** Appends one framed entry record. */
export function encodeEntry(w: ByteWriter, entry: WalEntry): void {
  const frameStart = beginEntry(w, entry.entrySeq, entry.expectedMarketRevision, entry.input);
  encodeOutputs(w, entry.outputs);
  endEntry(w, frameStart);
}

export type FrameCheck =
  | { ok: true; payloadStart: number; payloadEnd: number }
  | { ok: false; reason: string };

/**
 * The end of the intact frame at `offset` of `buf` (which ends at `end`), or −1 when the frame is
 * damaged (frameProblem says how). Allocation-free: it runs per record.
 */
export function frameEnd(buf: Buffer, offset: number, end: number): number {
  if (end - offset < FRAME_HEADER_BYTES) return -1;
  const length = buf.readUInt32LE(offset);
  if (length === 0 || length > MAX_RECORD_BYTES) return -1;
  const payloadStart = offset + FRAME_HEADER_BYTES;
  const payloadEnd = payloadStart + length;
  if (payloadEnd > end) return -1;
  if (crc32Of(buf, payloadStart, payloadEnd) !== buf.readUInt32LE(offset + 4)) return -1;
  return payloadEnd;
}

/** Why the frame at `offset` is damaged (only called once frameEnd said so). */
export function frameProblem(buf: Buffer, offset: number, end: number): string {
  if (end - offset < FRAME_HEADER_BYTES) return `${end - offset} bytes left, less than a frame header`;
  const length = buf.readUInt32LE(offset);
  if (length === 0 || length > MAX_RECORD_BYTES) return `implausible record length ${length}`;
  const payloadStart = offset + FRAME_HEADER_BYTES;
  if (payloadStart + length > end) return `record of ${length} bytes cut after ${end - payloadStart}`;
  return 'checksum mismatch';
}

/** Validates the frame at `offset` of `buf` (which ends at `end`). */
export function checkFrame(buf: Buffer, offset: number, end: number): FrameCheck {
  const payloadEnd = frameEnd(buf, offset, end);
  if (payloadEnd < 0) return { ok: false, reason: frameProblem(buf, offset, end) };
  return { ok: true, payloadStart: offset + FRAME_HEADER_BYTES, payloadEnd };
}

/** The parts recovery needs from an entry without decoding its strings for publishing. */
export interface EntryView {
  entrySeq: number;
  expectedMarketRevision: number;
  input: EngineInput;
  /** where the source position's bytes (ASCII digits) are inside the buffer */
  positionStart: number;
  positionLength: number;
  /** where the outputs block starts and ends inside the buffer */
  outputsStart: number;
  outputsEnd: number;
}

/** How much of an entry's strings EntryDecoder turns into strings (the rest is only bounds-checked). */
export const DECODE_LAYOUT = 0;
/**
 * + orderId, userId (interned): what replaying the entry needs. sourcePosition stays '' — replay
 * compares it as bytes (positionStart, positionLength) instead of building a string per entry.
 */
export const DECODE_MATCHING = 1;
/** + eventId, correlationId, occurredAt: what publishing the entry needs */
export const DECODE_ALL = 2;
export type DecodeDepth = typeof DECODE_LAYOUT | typeof DECODE_MATCHING | typeof DECODE_ALL;

/**
 * Decodes entry heads into its own fields and two input objects it owns and overwrites on every
 * read: replaying a million entries builds no per-entry objects beyond the id strings the book
 * keeps. Every length is checked against the record's end (WalFormatError).
 */
export class EntryDecoder implements EntryView {
  entrySeq = 0;
  expectedMarketRevision = 0;
  /** the source position's bytes (ASCII digits) in the buffer of the last read */
  positionStart = 0;
  positionLength = 0;
  outputsStart = 0;
  outputsEnd = 0;
  input: EngineInput;
  private readonly place: PlaceInput = {
    kind: INPUT_PLACE, sourcePosition: '', eventId: '', correlationId: '', occurredAt: '',
    orderId: '', userId: '', side: SIDE_BUY, type: TYPE_LIMIT, tif: TIF_GTC, priceTicks: 0, qtyLots: 0, invalid: 0,
  };
  private readonly cancel: CancelInput = { kind: INPUT_CANCEL, sourcePosition: '', eventId: '', correlationId: '', occurredAt: '', orderId: '' };
  private buf: Buffer = EMPTY;
  private offset = 0;
  private end = 0;
  /**
   * Recently decoded ids by a hash of their bytes. User ids repeat all the time and a cancel names
   * an order placed shortly before: reusing the string saves decoding it and V8 hashing it again.
   */
  private readonly interned: string[];
  private readonly internMask: number;

  /**
   * `internSlots` (a power of two) sizes the id cache: a long-lived decoder (recovery, the reader)
   * keeps the default; a decoder for one entry needs no cache and takes 1, so decoding a committed
   * batch does not allocate a 16K-slot table per entry.
   */
  constructor(internSlots = INTERN_SLOTS) {
    if (!Number.isInteger(internSlots) || internSlots < 1 || (internSlots & (internSlots - 1)) !== 0) {
      throw new RangeError(`internSlots must be a power of two, got ${internSlots}`);
    }
    this.interned = new Array<string>(internSlots).fill('');
    this.internMask = internSlots - 1;
    this.input = this.place;
  }

  /** Decodes the payload buf[payloadStart, payloadEnd); returns the input (valid until the next read). */
  read(buf: Buffer, payloadStart: number, payloadEnd: number, depth: DecodeDepth): EngineInput {
    this.buf = buf;
    this.offset = payloadStart;
    this.end = payloadEnd;
    this.need(13);
    const recordType = buf[payloadStart]!;
    if (recordType !== RECORD_ENTRY) throw new WalFormatError(`unknown record type ${recordType}`);
    this.entrySeq = buf.readUIntLE(payloadStart + 1, 6);
    this.expectedMarketRevision = buf.readIntLE(payloadStart + 7, 6);
    this.offset = payloadStart + 13;
    this.need(1);
    this.positionLength = buf[this.offset]!;
    this.positionStart = this.offset + 1;
    const sourcePosition = this.str(1, depth === DECODE_ALL ? STR_DECODE : STR_SKIP);
    this.need(1);
    const kind = buf[this.offset++]!;
    let input: EngineInput;
    if (kind === INPUT_PLACE) {
      const place = this.place;
      this.need(20);
      const o = this.offset;
      place.side = buf[o] as BookSide;
      place.type = buf[o + 1] as OrderTypeCode;
      place.tif = buf[o + 2] as TimeInForceCode;
      place.invalid = buf[o + 3] as EngineRejectCode | 0;
      place.priceTicks = buf.readDoubleLE(o + 4);
      place.qtyLots = buf.readDoubleLE(o + 12);
      this.offset = o + 20;
      place.orderId = this.str(2, depth === DECODE_LAYOUT ? STR_SKIP : STR_INTERN);
      place.userId = this.str(2, depth === DECODE_LAYOUT ? STR_SKIP : STR_INTERN);
      input = place;
    } else if (kind === INPUT_CANCEL) {
      this.cancel.orderId = this.str(2, depth === DECODE_LAYOUT ? STR_SKIP : STR_INTERN);
      input = this.cancel;
    } else {
      throw new WalFormatError(`unknown input kind ${kind}`);
    }
    input.sourcePosition = sourcePosition;
    const source = depth === DECODE_ALL ? STR_DECODE : STR_SKIP;
    input.eventId = this.str(2, source);
    input.correlationId = this.str(2, source);
    input.occurredAt = this.str(1, source);
    this.outputsStart = this.offset;
    this.need(OUTPUTS_HEADER_BYTES);
    this.outputsEnd = this.outputsStart + buf.readUInt32LE(this.outputsStart);
    if (this.outputsEnd !== payloadEnd) throw new WalFormatError(`outputs block ends at ${this.outputsEnd}, record at ${payloadEnd}`);
    this.input = input;
    return input;
  }

  private need(n: number): void {
    if (this.offset + n > this.end) throw new WalFormatError(`record ends ${this.offset + n - this.end} bytes early`);
  }

  /** The last read's source position (the buffer must still be the one read). */
  sourcePosition(): string {
    return this.buf.toString('utf8', this.positionStart, this.positionStart + this.positionLength);
  }

  private str(lengthBytes: 1 | 2, how: StrMode): string {
    this.need(lengthBytes);
    const buf = this.buf;
    const n = lengthBytes === 1 ? buf[this.offset]! : buf.readUInt16LE(this.offset);
    this.offset += lengthBytes;
    this.need(n);
    const start = this.offset;
    this.offset += n;
    if (how === STR_SKIP) return '';
    if (how === STR_DECODE) return buf.toString('utf8', start, start + n);
    let hash = n;
    for (let i = start; i < start + n; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const slot = (hash ^ (hash >>> 15)) & this.internMask;
    const known = this.interned[slot]!;
    if (known.length === n) {
      let i = 0;
      while (i < n && known.charCodeAt(i) === buf[start + i]) i++;
      if (i === n) return known;
    }
    const text = buf.toString('utf8', start, start + n);
    // only ASCII ids are interned: the char-by-byte comparison above is exact for them alone
    if (text.length === n) this.interned[slot] = text;
    return text;
  }
}

const INTERN_SLOTS = 1 << 14;
const STR_SKIP = 0;
const STR_DECODE = 1;
const STR_INTERN = 2;
type StrMode = typeof STR_SKIP | typeof STR_DECODE | typeof STR_INTERN;

const EMPTY = Buffer.alloc(0);

/**
 * withSource false leaves eventId, correlationId and occurredAt empty: replay needs only what
 * matching reads.
 */
export function decodeEntryView(buf: Buffer, payloadStart: number, payloadEnd: number, withSource = true): EntryView {
  // the view keeps the decoder's input object, so each entry needs its own (cache-less) decoder
  const decoder = new EntryDecoder(1);
  const input = decoder.read(buf, payloadStart, payloadEnd, withSource ? DECODE_ALL : DECODE_MATCHING);
  input.sourcePosition = decoder.sourcePosition();
  return {
    entrySeq: decoder.entrySeq, expectedMarketRevision: decoder.expectedMarketRevision, input,
    positionStart: decoder.positionStart, positionLength: decoder.positionLength, outputsStart: decoder.outputsStart, outputsEnd: decoder.outputsEnd,
  };
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

/**
 * The entries of records this process just wrote (a committed batch, buf[start, end)), decoded for
 * publishing. Frames are trusted — they never left memory — but their layout is still checked.
 */
export function decodeEntries(buf: Buffer, start: number, end: number): WalEntry[] {
  const entries: WalEntry[] = [];
  let offset = start;
  while (offset < end) {
    const payloadStart = offset + FRAME_HEADER_BYTES;
    const payloadEnd = payloadStart + buf.readUInt32LE(offset);
    if (payloadEnd > end) throw new WalFormatError(`record at ${offset} runs past the batch end`);
    entries.push(decodeEntry(buf, payloadStart, payloadEnd));
    offset = payloadEnd;
  }
  return entries;
}
