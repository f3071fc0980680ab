import test from 'ava';
import { ReferenceBook } from '../../matching/book/reference-book.js';
import { FastBook } from '../../matching/book/fast-book.js';
import { EngineCore, EngineInvariantBroken } from '../../matching/engine/core.js';
import { marketAppendOf, marketEventsOf } from '../../matching/engine/events.js';
import { InstrumentGrid } from '../../matching/engine/instrument.js';
import { translateEvent } from '../../matching/engine/input.js';
import { InputSlots, translateInto } from '../../matching/engine/input.js';
import type { EngineInput, WalEntry } from '../../matching/engine/types.js';
import type { OrderBook } from '../../matching/book/types.js';
import { ByteWriter, decodeEntry, FRAME_HEADER_BYTES, frameEnd } from '../../matching/wal/codec.js';
import { acceptedData, asSource, cancelData, INSTRUMENT, randomFlow, take, type AcceptedSpec } from './support/flow.js';

const grid = new InstrumentGrid(INSTRUMENT);

function given(): { core: EngineCore; run(events: ReturnType<typeof acceptedData>[]): Array<Array<{ type: string; data: Record<string, unknown> }>> } {
  const core = new EngineCore(new ReferenceBook());
  let position = 0;
  return {
    core,
    run(events) {
      return events.map((event) => {
        position += 1;
        const input = translateEvent(asSource(event, position), grid, (id) => core.isLive(id));
        if (input === undefined) return [];
        return marketEventsOf(core.step(input), grid).map(({ type, data }) => ({ type, data }));
      });
    },
  };
}

const order = (spec: Partial<AcceptedSpec> & { orderId: string }, n = 0) =>
  acceptedData({ userId: 'alice', side: 'BUY', price: '100', qty: '1', ...spec }, n);

test('a resting limit then a crossing taker: trade at the maker price, ids and seq from the engine, canonical decimals', (t) => {
  const { run } = given();
  const out = run([
    order({ orderId: 'm1', userId: 'maker', side: 'SELL', price: '100.5', qty: '0.250' }),
    order({ orderId: 't1', userId: 'taker', side: 'BUY', price: '101', qty: '0.4' }),
  ]);
  t.deepEqual(out[0], [{ type: 'OrderRested', data: { orderId: 'm1', symbol: 'BTC-PERP', side: 'SELL', price: '100.5', qty: '0.25' } }]);
  t.deepEqual(out[1], [
    {
      type: 'TradeExecuted',
      data: {
        tradeId: 'BTC-PERP:1', seq: 1, symbol: 'BTC-PERP', price: '100.5', qty: '0.25', takerSide: 'BUY',
        maker: { orderId: 'm1', userId: 'maker', side: 'SELL', remaining: '0' },
        taker: { orderId: 't1', userId: 'taker', side: 'BUY', remaining: '0.15' },
      },
    },
    { type: 'OrderRested', data: { orderId: 't1', symbol: 'BTC-PERP', side: 'BUY', price: '101', qty: '0.15' } },
  ]);
});

test('rejections by input translation, in precedence order (one row per reason)', (t) => {
  const rows: Array<[Partial<AcceptedSpec>, string]> = [
    [{ side: 'UP' as 'BUY', price: '100.3' }, 'BAD_FIELD'],
    [{ timeInForce: 'DAY' as 'GTC' }, 'BAD_FIELD'],
    [{ userId: '' }, 'BAD_FIELD'],
    [{ price: '1e3' }, 'PRICE_NOT_DECIMAL'],
    [{ price: '-1' }, 'PRICE_NOT_DECIMAL'],
    [{ price: '0' }, 'PRICE_NOT_POSITIVE'],
    [{ price: '100.3', qty: '0.0001' }, 'PRICE_OFF_TICK_GRID'],
    [{ price: '99999999999999999999' }, 'PRICE_TOO_LARGE'],
    [{ qty: 'abc' }, 'QTY_NOT_DECIMAL'],
    [{ qty: '0.000' }, 'QTY_NOT_POSITIVE'],
    [{ qty: '0.0001' }, 'QTY_OFF_LOT_GRID'],
    [{ qty: '99999999999999999999' }, 'QTY_TOO_LARGE'],
  ];
  for (const [spec, reason] of rows) {
    const { run } = given();
    t.deepEqual(run([order({ orderId: 'o', ...spec })])[0], [{ type: 'OrderRejectedByBook', data: { orderId: 'o', symbol: 'BTC-PERP', reason } }], reason);
  }
});

test('other symbols are ignored; a cancel is ours by symbol or by a live order id', (t) => {
  const { core, run } = given();
  const out = run([
    order({ orderId: 'eth', symbol: 'ETH-PERP' }),
    order({ orderId: 'a' }),
    cancelData('x', 2, null),
    cancelData('a', 3, null),
    cancelData('a', 4),
    cancelData('y', 5, 'ETH-PERP'),
  ]);
  t.deepEqual(out[0], []);
  t.deepEqual(out[2], [], 'no symbol and not live: another engine\'s');
  t.deepEqual(out[3], [{ type: 'OrderCancelledInBook', data: { orderId: 'a', symbol: 'BTC-PERP', remaining: '1' } }]);
  t.deepEqual(out[4], [{ type: 'OrderCancelRejected', data: { orderId: 'a', symbol: 'BTC-PERP', reason: 'UNKNOWN_ORDER' } }]);
  t.deepEqual(out[5], []);
  t.is(core.lastEntrySeq, 3);
  t.is(core.marketRevision, 2);
});

test('an acceptance that ended the order (cancelledAtAcceptance) never reaches the book; a later crossing order does not trade with it', (t) => {
  const { core, run } = given();
  const cancelledAtAcceptance = order({ orderId: 'gone', userId: 'maker', side: 'SELL', price: '100' });
  cancelledAtAcceptance.data = { ...cancelledAtAcceptance.data, cancelledAtAcceptance: true };
  const kept = order({ orderId: 'kept', userId: 'maker', side: 'SELL', price: '100' });
  kept.data = { ...kept.data, cancelledAtAcceptance: false };
  t.is(translateEvent(asSource(cancelledAtAcceptance, 1), grid, () => false), undefined);
  const out = run([cancelledAtAcceptance, order({ orderId: 't', userId: 'taker', side: 'BUY', price: '100', type: 'MARKET', timeInForce: 'IOC' }), kept]);
  t.deepEqual(out[0], []);
  t.false(core.isLive('gone'));
  t.deepEqual(out[1].map((e) => e.type), ['OrderExpiredInBook'], 'nothing to trade with: the market order expires');
  t.deepEqual(out[2], [{ type: 'OrderRested', data: { orderId: 'kept', symbol: 'BTC-PERP', side: 'SELL', price: '100', qty: '1' } }]);
  t.is(core.lastEntrySeq, 2);
});

test('duplicate live order id, self-trade prevention and FOK expiry', (t) => {
  const { run } = given();
  const out = run([
    order({ orderId: 'a', userId: 'alice', side: 'SELL', price: '100', qty: '1' }),
    order({ orderId: 'a', userId: 'alice', side: 'SELL', price: '100', qty: '1' }),
    order({ orderId: 'b', userId: 'alice', side: 'BUY', price: '100', qty: '1' }),
    order({ orderId: 'c', userId: 'bob', side: 'BUY', price: '100', qty: '2', timeInForce: 'FOK' }),
    order({ orderId: 'd', userId: 'bob', side: 'BUY', price: '100', qty: '0.5', type: 'MARKET' }),
  ]);
  t.deepEqual(out[1], [{ type: 'OrderRejectedByBook', data: { orderId: 'a', symbol: 'BTC-PERP', reason: 'DUPLICATE_ORDER_ID' } }]);
  t.deepEqual(out[2], [{ type: 'OrderExpiredInBook', data: { orderId: 'b', symbol: 'BTC-PERP', remaining: '1', reason: 'SELF_TRADE' } }]);
  t.deepEqual(out[3], [{ type: 'OrderExpiredInBook', data: { orderId: 'c', symbol: 'BTC-PERP', remaining: '2', reason: 'FOK' } }]);
  t.is(out[4]![0]!.type, 'TradeExecuted');
  t.like(out[4]![0]!.data, { tradeId: 'BTC-PERP:1', qty: '0.5', maker: { orderId: 'a', remaining: '0.5' } });
});

test('market append: deterministic ids keyed by entry, causation and source position in metadata', (t) => {
  const { core } = given();
  const source = asSource(order({ orderId: 'a' }), 7);
  const entry = core.step(translateEvent(source, grid, () => false) as EngineInput);
  const first = marketAppendOf(entry, grid);
  const again = marketAppendOf(entry, grid);
  t.deepEqual(first, again);
  t.is(first.length, 1);
  t.like(first[0]!.metadata, { $causationId: source.id, $correlationId: 'corr-a', sourcePosition: '7', walEntrySeq: 1, idempotencyKey: 'wal:1', occurredAt: source.metadata.occurredAt });
  t.is(entry.expectedMarketRevision, -1);
});

test('the engine over the reference book and over the fast book: same entries and the same state hash', (t) => {
  const ref = new EngineCore(new ReferenceBook());
  const fast = new EngineCore(new FastBook());
  const events = take(randomFlow({ seed: 42, idPrefix: 'p' }), 5000);
  events.forEach((event, i) => {
    const source = asSource(event, i + 1);
    const a = translateEvent(source, grid, (id) => ref.isLive(id));
    const b = translateEvent(source, grid, (id) => fast.isLive(id));
    t.deepEqual(a, b);
    if (a && b) t.deepEqual(ref.step(a), fast.step(b));
  });
  t.true(ref.nextTradeSeq > 100, 'the flow trades');
  t.true(ref.liveOrderCount() > 100, 'the flow leaves resting orders');
  t.is(ref.stateHash(), fast.stateHash());
});

test('an image restores the same book, maps and counters', (t) => {
  const core = new EngineCore(new FastBook());
  take(randomFlow({ seed: 7, idPrefix: 'q' }), 3000).forEach((event, i) => {
    const input = translateEvent(asSource(event, i + 1), grid, (id) => core.isLive(id));
    if (input) core.step(input);
  });
  const restored = EngineCore.fromImage(JSON.parse(JSON.stringify(core.image())), new ReferenceBook());
  t.is(restored.stateHash(), core.stateHash());
  // and both go on identically
  take(randomFlow({ seed: 8, idPrefix: 'r' }), 500).forEach((event, i) => {
    const a = translateEvent(asSource(event, 10_000 + i), grid, (id) => core.isLive(id));
    const b = translateEvent(asSource(event, 10_000 + i), grid, (id) => restored.isLive(id));
    if (a && b) t.deepEqual(core.step(a), restored.step(b));
  });
  t.is(restored.stateHash(), core.stateHash());
});

test('the hot path (reused input slots, records written into the batch) gives the same entries as step()', (t) => {
  const viaStep = new EngineCore(new FastBook());
  const viaAppend = new EngineCore(new FastBook());
  const slots = new InputSlots();
  const batch = new ByteWriter(64);
  const events = take(randomFlow({ seed: 31, idPrefix: 'h' }), 2000);
  const expected: WalEntry[] = [];
  events.forEach((event, i) => {
    const source = asSource(event, i + 1);
    const a = translateEvent(source, grid, (id) => viaStep.isLive(id));
    if (a) expected.push(viaStep.step(a));
    const b = translateInto(source, grid, (id) => viaAppend.isLive(id), slots);
    if (b) viaAppend.append(b, batch);
  });
  const decoded: WalEntry[] = [];
  for (let offset = 0; offset < batch.length;) {
    const end = frameEnd(batch.buf, offset, batch.length);
    t.true(end > 0, `intact record at ${offset}`);
    decoded.push(decodeEntry(batch.buf, offset + FRAME_HEADER_BYTES, end));
    offset = end;
  }
  t.deepEqual(decoded, expected);
  t.is(viaAppend.stateHash(), viaStep.stateHash());
});

test('an invariant broken while the book reports leaves no partial record in the batch', (t) => {
  const rogue: OrderBook = {
    ...new FastBook(),
    // reports a trade against a handle the engine never gave out
    place: (handle, owner, side, _type, _tif, priceTicks, qtyLots, sink) => sink.trade(999, 1, handle, owner, side, priceTicks, qtyLots, 0, 0),
    cancel: () => undefined,
    forEachResting: () => undefined,
    restingCount: () => 0,
    bestBid: () => undefined,
    bestAsk: () => undefined,
    depth: () => [],
  };
  const core = new EngineCore(rogue);
  const batch = new ByteWriter(64);
  batch.u32(0xdeadbeef);
  const input = translateEvent(asSource(order({ orderId: 'a' }), 1), grid, () => false)!;
  t.throws(() => core.append(input, batch), { instanceOf: EngineInvariantBroken, message: /unknown handle 999/ });
  t.is(batch.length, 4, 'the batch ends where it ended before the entry');
  t.is(core.lastEntrySeq, 0);
});
