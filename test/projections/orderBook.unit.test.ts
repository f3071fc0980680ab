/**
 * The orderbook projection's depth arithmetic (projections/models/orderBook.ts): levels and
 * remainders as absolute canonical values, and the events it refuses — a trade whose maker
 * remainder disagrees with the book, a removal of another quantity than rests — with their exact
 * messages, the fold left as it was.
 */
import test from 'ava';
import type { RecordedEvent } from '../../eventstore/port.js';
import { orderBookProjection, type OrderBookState } from '../../projections/models/orderBook.js';
import { ImpossibleEvent } from '../../projections/runner/projection.js';
import type { WriteOp } from '../../projections/store/port.js';

let seq = 0;
function event(type: string, data: Record<string, unknown>): RecordedEvent {
  seq += 1;
  return { id: `e${seq}`, type, stream: 'market-BTC-PERP', revision: seq, position: String(seq * 100), data: { symbol: 'BTC-PERP', ...data }, metadata: {}, created: '2026-01-01T00:00:00.000Z' };
}

function fold(events: RecordedEvent[]): { state: OrderBookState; writes: WriteOp[] } {
  let state = orderBookProjection.initialState();
  const writes: WriteOp[] = [];
  for (const e of events) {
    const step = orderBookProjection.apply(state, e);
    state = step.state;
    writes.push(...step.writes);
  }
  return { state, writes };
}

const rested = [
  event('OrderRested', { orderId: 'a', side: 'SELL', price: '100.5', qty: '1.25' }),
  event('OrderRested', { orderId: 'b', side: 'SELL', price: '100.5', qty: '0.00000001' }),
];

test('rests add to the level, a trade takes from the maker, the last unit removes the level', (t) => {
  const { writes } = fold([
    ...rested,
    event('TradeExecuted', { qty: '0.25', maker: { orderId: 'a', remaining: '1' } }),
    event('OrderCancelledInBook', { orderId: 'b', remaining: '0.00000001' }),
    event('TradeExecuted', { qty: '1', maker: { orderId: 'a', remaining: '0' } }),
    event('OrderExpiredInBook', { orderId: 'taker', remaining: '3' }),
  ]);
  t.deepEqual(
    writes.filter((w) => w.key === 'depth:BTC-PERP:SELL'),
    [
      { op: 'hset', key: 'depth:BTC-PERP:SELL', fields: { '100.5': '1.25' } },
      { op: 'hset', key: 'depth:BTC-PERP:SELL', fields: { '100.5': '1.25000001' } },
      { op: 'hset', key: 'depth:BTC-PERP:SELL', fields: { '100.5': '1.00000001' } },
      { op: 'hset', key: 'depth:BTC-PERP:SELL', fields: { '100.5': '1' } },
      { op: 'hdel', key: 'depth:BTC-PERP:SELL', fields: ['100.5'] },
    ],
  );
  t.deepEqual(
    writes.filter((w) => w.key === 'resting:BTC-PERP').slice(2),
    [
      { op: 'hset', key: 'resting:BTC-PERP', fields: { a: '{"side":"SELL","price":"100.5","remaining":"1"}' } },
      { op: 'hdel', key: 'resting:BTC-PERP', fields: ['b'] },
      { op: 'hdel', key: 'resting:BTC-PERP', fields: ['a'] },
    ],
  );
});

test('a trade whose maker remainder disagrees with the book is refused, the fold unchanged', (t) => {
  const { state } = fold(rested);
  const error = t.throws(() => orderBookProjection.apply(state, event('TradeExecuted', { qty: '0.250', maker: { orderId: 'a', remaining: '1.1' } })), { instanceOf: ImpossibleEvent });
  t.regex(error!.message, /: maker a had 1\.25, trade 0\.25, reported remaining 1\.1$/);
  // the same quantity written another way is the same value
  const { writes } = fold([...rested, event('TradeExecuted', { qty: '0.250', maker: { orderId: 'a', remaining: '1.000' } })]);
  t.deepEqual(writes.at(-2), { op: 'hset', key: 'depth:BTC-PERP:SELL', fields: { '100.5': '1.00000001' } });
});

test('a removal of another quantity than rests is refused', (t) => {
  const { state } = fold(rested);
  const error = t.throws(() => orderBookProjection.apply(state, event('OrderCancelledInBook', { orderId: 'a', remaining: '1.2' })), { instanceOf: ImpossibleEvent });
  t.regex(error!.message, /: order a rests with 1\.25, the book removes 1\.2$/);
  t.notThrows(() => orderBookProjection.apply(state, event('OrderCancelledInBook', { orderId: 'a', remaining: '1.250' })));
});

test('a trade larger than the level would take it below zero', (t) => {
  const { state } = fold(rested);
  const error = t.throws(() => orderBookProjection.apply(state, event('TradeExecuted', { qty: '2', maker: { orderId: 'a', remaining: '-0.75' } })), { instanceOf: ImpossibleEvent });
  t.regex(error!.message, /: depth BTC-PERP SELL 100\.5 would be -0\.74999999$/);
  const after = orderBookProjection.apply(state, event('TradeExecuted', { qty: '0.25', maker: { orderId: 'a', remaining: '1' } }));
  t.deepEqual(after.writes[0], { op: 'hset', key: 'depth:BTC-PERP:SELL', fields: { '100.5': '1.00000001' } }, 'the level was as before the refused trade');
});
