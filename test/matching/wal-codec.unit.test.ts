import test from 'ava';
import fc from 'fast-check';
import { INPUT_CANCEL, INPUT_PLACE, OUT_CANCELLED, OUT_EXPIRED, OUT_REJECTED, OUT_RESTED, OUT_TRADE, type EngineOutput, type WalEntry } from '../../matching/engine/types.js';
import { crc32 } from 'node:zlib';
import { ByteWriter, checkFrame, decodeEntry, encodeEntry } from '../../matching/wal/codec.js';
import { crc32Of } from '../../matching/wal/crc32.js';

const id = fc.string({ minLength: 1, maxLength: 40 });
const count = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const small = fc.integer({ min: 1, max: 2 ** 40 });
const source = fc.record({ sourcePosition: fc.bigInt({ min: 1n, max: 2n ** 60n }).map(String), eventId: fc.uuid(), correlationId: id, occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) });
const side = fc.constantFrom(0 as const, 1 as const);

const input = fc.oneof(
  fc.record({ kind: fc.constant(INPUT_PLACE), orderId: id, userId: id, side, type: fc.constantFrom(0 as const, 1 as const), tif: fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const), priceTicks: small, qtyLots: small, invalid: fc.constantFrom(0 as const, 13 as const, 23 as const) }).chain((p) => source.map((s) => ({ ...p, ...s }))),
  fc.record({ kind: fc.constant(INPUT_CANCEL), orderId: id }).chain((c) => source.map((s) => ({ ...c, ...s }))),
);
const output: fc.Arbitrary<EngineOutput> = fc.oneof(
  fc.record({ kind: fc.constant(OUT_RESTED), side, priceTicks: small, qtyLots: small }),
  fc.record({ kind: fc.constant(OUT_TRADE), seq: count, makerOrderId: id, makerUserId: id, priceTicks: small, qtyLots: small, makerRemainingLots: count, takerRemainingLots: count }),
  fc.record({ kind: fc.constant(OUT_CANCELLED), remainingLots: count }),
  fc.record({ kind: fc.constant(OUT_EXPIRED), remainingLots: count, reason: fc.constantFrom(1 as const, 3 as const, 6 as const) }),
  fc.record({ kind: fc.constant(OUT_REJECTED), reason: fc.constantFrom(1 as const, 2 as const, 24 as const) }),
);
const entry: fc.Arbitrary<WalEntry> = fc.record({
  entrySeq: fc.integer({ min: 1, max: 2 ** 47 - 1 }),
  expectedMarketRevision: fc.integer({ min: -1, max: 2 ** 46 }),
  input,
  outputs: fc.array(output, { maxLength: 20 }),
});

test('every entry survives encode → frame check → decode unchanged', (t) => {
  fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), (entries) => {
    const w = new ByteWriter(16);
    for (const e of entries) encodeEntry(w, e);
    const buf = w.buf.subarray(0, w.length);
    let offset = 0;
    const decoded: WalEntry[] = [];
    while (offset < buf.length) {
      const frame = checkFrame(buf, offset, buf.length);
      if (!frame.ok) return false;
      decoded.push(decodeEntry(buf, frame.payloadStart, frame.payloadEnd));
      offset = frame.payloadEnd;
    }
    t.deepEqual(decoded, entries);
    return true;
  }), { numRuns: 300 });
});

test('a flipped bit anywhere in a record, or a cut record, fails the frame check', (t) => {
  fc.assert(fc.property(entry, fc.nat(), fc.nat(7), (e, at, bit) => {
    const w = new ByteWriter(16);
    encodeEntry(w, e);
    const buf = Buffer.from(w.buf.subarray(0, w.length));
    const flipped = Buffer.from(buf);
    flipped[at % buf.length]! ^= 1 << bit;
    const cut = buf.subarray(0, at % buf.length);
    return !checkFrame(flipped, 0, flipped.length).ok && !checkFrame(cut, 0, cut.length).ok && checkFrame(buf, 0, buf.length).ok;
  }), { numRuns: 500 });
  t.pass();
});

test('the WAL\'s own CRC-32 equals zlib\'s over any range (records stay readable by either)', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (bytes, a, b) => {
    const buf = Buffer.from(bytes);
    const start = buf.length === 0 ? 0 : a % (buf.length + 1);
    const end = start + (b % (buf.length - start + 1));
    return crc32Of(buf, start, end) === crc32(buf.subarray(start, end));
  }), { numRuns: 1000 });
  t.pass();
});
