/**
 * The fast book and the reference book driven by the same random command streams must produce the
 * same sink calls, command by command, and the same state hash.
 */
import test from 'ava';
import fc from 'fast-check';
import { FastBook } from '../../matching/book/fast-book.js';
import { stateHash } from '../../matching/book/hash.js';
import { RecordingSink } from '../../matching/book/recording-sink.js';
import { ReferenceBook } from '../../matching/book/reference-book.js';
import {
  SIDE_BUY, SIDE_SELL, TIF_FOK, TIF_GTC, TIF_IOC, TIF_POST_ONLY, TYPE_LIMIT, TYPE_MARKET,
  type BookSide, type OrderBook, type TimeInForceCode,
} from '../../matching/book/types.js';
import { mulberry32 } from '../../matching/workload/prng.js';
import { apply, type Command } from './book-scenarios.js';

const SOAK_COMMANDS = Number(process.env.BOOK_SOAK_COMMANDS ?? 30_000);

interface Divergence { step: number; what: string; fast: unknown; reference: unknown }

/** runs both books; returns the first divergence, or undefined; counts what happened */
function compare(commands: Command[], fast: OrderBook, reference: OrderBook, hashEvery: number,
                 seen: Map<string, number>): Divergence | undefined {
  const fastSink = new RecordingSink();
  const refSink = new RecordingSink();
  for (let step = 0; step < commands.length; step++) {
    apply(fast, fastSink, commands[step]!);
    apply(reference, refSink, commands[step]!);
    const f = fastSink.take();
    const r = refSink.take();
    for (const e of r) {
      const key = e[0] === 'expired' ? `expired:${e[3]}` : e[0] === 'rejected' ? `rejected:${e[2]}` : e[0];
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    if (JSON.stringify(f) !== JSON.stringify(r)) return { step, what: 'events', fast: f, reference: r };
    if (fast.bestBid() !== reference.bestBid()) return { step, what: 'bestBid', fast: fast.bestBid(), reference: reference.bestBid() };
    if (fast.bestAsk() !== reference.bestAsk()) return { step, what: 'bestAsk', fast: fast.bestAsk(), reference: reference.bestAsk() };
    const bid = fast.bestBid();
    const ask = fast.bestAsk();
    if (bid !== undefined && ask !== undefined && bid >= ask) return { step, what: 'crossed book', fast: [bid, ask], reference: [] };
    if (fast.restingCount() !== reference.restingCount()) {
      return { step, what: 'restingCount', fast: fast.restingCount(), reference: reference.restingCount() };
    }
    if (step % hashEvery === hashEvery - 1 || step === commands.length - 1) {
      const fh = stateHash(fast);
      const rh = stateHash(reference);
      if (fh !== rh) return { step, what: 'stateHash', fast: fh, reference: rh };
      for (const side of [SIDE_BUY, SIDE_SELL] as const) {
        const fd = JSON.stringify(fast.depth(side, 1000));
        const rd = JSON.stringify(reference.depth(side, 1000));
        if (fd !== rd) return { step, what: `depth ${side}`, fast: fd, reference: rd };
      }
    }
  }
  return undefined;
}

/** a seeded mixed stream: every type and TIF, cancels of live, dead and unknown ids, id reuse, bad input */
function randomStream(seed: number, length: number): Command[] {
  const rand = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const commands: Command[] = [];
  let nextId = 1;
  for (let i = 0; i < length; i++) {
    const u = rand();
    const side = (rand() < 0.5 ? SIDE_BUY : SIDE_SELL) as BookSide;
    const owner = int(1, 6);
    const id = rand() < 0.03 ? int(1, nextId) : nextId++;
    const qtyRoll = rand();
    const qty = qtyRoll < 0.01 ? 0 : qtyRoll < 0.015 ? -2 : qtyRoll < 0.02 ? 1.5 : int(1, 12);
    // skew prices to the touch so matching, partial fills and STP are common
    const offset = Math.floor(8 * rand() * rand());
    const passive = side === SIDE_BUY ? 100 - offset : 102 + offset;
    const aggressive = side === SIDE_BUY ? 101 + int(0, 3) : 101 - int(0, 3);
    if (u < 0.35) commands.push(lim(id, owner, side, rand() < 0.7 ? passive : aggressive, qty, TIF_GTC));
    else if (u < 0.45) commands.push(lim(id, owner, side, aggressive, qty, TIF_IOC));
    else if (u < 0.52) commands.push(lim(id, owner, side, aggressive, qty, TIF_FOK));
    else if (u < 0.60) commands.push(lim(id, owner, side, rand() < 0.5 ? passive : aggressive, qty, TIF_POST_ONLY));
    else if (u < 0.70) {
      const tifs: TimeInForceCode[] = [TIF_IOC, TIF_IOC, TIF_GTC, TIF_FOK, TIF_POST_ONLY];
      const bound = side === SIDE_BUY ? 101 + int(0, 6) : 101 - int(0, 6);
      commands.push({ op: 'place', id, owner, side, type: TYPE_MARKET, tif: tifs[int(0, 4)]!, price: bound, qty });
    } else {
      commands.push({ op: 'cancel', id: int(1, nextId + 2) });
    }
  }
  return commands;
}

const lim = (id: number, owner: number, side: BookSide, price: number, qty: number, tif: TimeInForceCode): Command =>
  ({ op: 'place', id, owner, side, type: TYPE_LIMIT, tif, price, qty });

test('seeded streams: fast and reference books agree on every output and state hash', (t) => {
  const seen = new Map<string, number>();
  for (const seed of [1, 2, 3]) {
    const divergence = compare(randomStream(seed, SOAK_COMMANDS / 3), new FastBook({ initialOrders: 1, initialLevels: 1 }),
      new ReferenceBook(), 97, seen);
    t.is(divergence, undefined, `seed ${seed}: ${JSON.stringify(divergence)}`);
  }
  // the stream really exercised every outcome, so agreement means something
  for (const key of ['rested', 'trade', 'cancelled', 'expired:1', 'expired:2', 'expired:3', 'expired:4', 'expired:5',
    'expired:6', 'rejected:1', 'rejected:2', 'rejected:3']) {
    t.true((seen.get(key) ?? 0) > 10, `${key} seen ${seen.get(key) ?? 0} times`);
  }
});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    op: fc.constant('place' as const),
    id: fc.integer({ min: 0, max: 40 }),
    owner: fc.integer({ min: 1, max: 3 }),
    side: fc.constantFrom<BookSide>(SIDE_BUY, SIDE_SELL),
    type: fc.constantFrom<0 | 1>(TYPE_LIMIT, TYPE_LIMIT, TYPE_MARKET),
    tif: fc.constantFrom<TimeInForceCode>(TIF_GTC, TIF_IOC, TIF_FOK, TIF_POST_ONLY),
    price: fc.integer({ min: 95, max: 105 }),
    qty: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 8 }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 0.5) }),
  }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), id: fc.integer({ min: 0, max: 40 }) }) },
);

test('property: any command sequence gives the same outputs on both books (shrinks to a minimal case)', (t) => {
  fc.assert(fc.property(fc.array(commandArb, { maxLength: 200 }), (commands) => {
    const divergence = compare(commands, new FastBook({ initialOrders: 1, initialLevels: 1 }), new ReferenceBook(), 1,
      new Map());
    if (divergence !== undefined) throw new Error(JSON.stringify(divergence));
  }), { numRuns: 300, seed: 20240601 });
  t.pass();
});

test('re-placing the resting orders in visit order as GTC rebuilds the same state (snapshot restore)', (t) => {
  const source = new FastBook();
  const sink = new RecordingSink();
  for (const c of randomStream(7, 5_000)) apply(source, sink, c);
  t.true(source.restingCount() > 50);
  for (const makeBook of [() => new FastBook(), () => new ReferenceBook()]) {
    const rebuilt = makeBook();
    const restoreSink = new RecordingSink();
    source.forEachResting((id, owner, side, price, qty) => {
      rebuilt.place(id, owner, side, TYPE_LIMIT, TIF_GTC, price, qty, restoreSink);
    });
    t.true(restoreSink.events.every((e) => e[0] === 'rested'));
    t.is(stateHash(rebuilt), stateHash(source));
    t.is(rebuilt.restingCount(), source.restingCount());
  }
});
