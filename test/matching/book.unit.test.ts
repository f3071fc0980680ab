import test from 'ava';
import { FastBook } from '../../matching/book/fast-book.js';
import { ReferenceBook } from '../../matching/book/reference-book.js';
import { RecordingSink } from '../../matching/book/recording-sink.js';
import { stateHash } from '../../matching/book/hash.js';
import { SIDE_BUY, SIDE_SELL, type OrderBook } from '../../matching/book/types.js';
import { B, S, SCENARIOS, apply, limit } from './book-scenarios.js';

const BOOKS: Array<[string, () => OrderBook]> = [
  ['reference', () => new ReferenceBook()],
  ['fast', () => new FastBook()],
  ['fast (tiny initial pools, so every pool grows)', () => new FastBook({ initialOrders: 1, initialLevels: 1 })],
];

for (const [bookName, makeBook] of BOOKS) {
  for (const s of SCENARIOS) {
    test(`${bookName}: ${s.name}`, (t) => {
      const book = makeBook();
      const sink = new RecordingSink();
      for (const c of s.given) apply(book, sink, c);
      sink.take();
      apply(book, sink, s.when);
      t.deepEqual(sink.take(), s.then);
      t.deepEqual(book.depth(SIDE_BUY, 100), s.bids);
      t.deepEqual(book.depth(SIDE_SELL, 100), s.asks);
    });
  }

  test(`${bookName}: best prices, count, bounded depth and resting order visit`, (t) => {
    const book = makeBook();
    const sink = new RecordingSink();
    t.is(book.bestBid(), undefined);
    t.is(book.bestAsk(), undefined);
    for (const c of [limit(1, 1, B, 98, 1), limit(2, 2, B, 99, 2), limit(3, 3, B, 99, 3),
      limit(4, 4, S, 101, 4), limit(5, 5, S, 103, 5), limit(6, 6, S, 102, 6)]) apply(book, sink, c);
    t.is(book.bestBid(), 99);
    t.is(book.bestAsk(), 101);
    t.is(book.restingCount(), 6);
    t.deepEqual(book.depth(SIDE_BUY, 1), [[99, 5]]);
    t.deepEqual(book.depth(SIDE_SELL, 2), [[101, 4], [102, 6]]);
    const seen: number[][] = [];
    book.forEachResting((id, owner, side, price, qty) => seen.push([id, owner, side, price, qty]));
    t.deepEqual(seen, [[2, 2, B, 99, 2], [3, 3, B, 99, 3], [1, 1, B, 98, 1],
      [4, 4, S, 101, 4], [6, 6, S, 102, 6], [5, 5, S, 103, 5]]);
  });

  test(`${bookName}: state hash sees queue order, not only levels`, (t) => {
    const a = makeBook();
    const b = makeBook();
    const sink = new RecordingSink();
    apply(a, sink, limit(1, 1, B, 99, 2));
    apply(a, sink, limit(2, 2, B, 99, 2));
    apply(b, sink, limit(2, 2, B, 99, 2));
    apply(b, sink, limit(1, 1, B, 99, 2));
    t.deepEqual(a.depth(SIDE_BUY, 10), b.depth(SIDE_BUY, 10));
    t.not(stateHash(a), stateHash(b));
  });
}
