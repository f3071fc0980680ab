/**
 * orderbook: aggregated depth per symbol and side, from the market stream: OrderRested adds the
 * resting quantity at its price, a trade takes its quantity from the maker's level, a cancel or
 * expiry of a resting order removes its remainder (a taker's remainder that never rested changes
 * nothing). The fold keeps every resting order, so each level is written as an absolute value.
 *
 * Keys: `depth:{symbol}:{BUY|SELL}` (hash price → quantity), `resting:{symbol}` (hash orderId →
 * JSON {side, price, remaining}), `bookSymbols` (set, to reload).
 */
import type { RecordedEvent } from '../../eventstore/port.js';
import { type Decimal, canonical, dec } from '../../domain/money/decimal.js';
import { ExactSum, parseMinor } from '../../domain/money/exactSum.js';
import type { Projection } from '../runner/projection.js';
import { write } from '../store/ops.js';
import type { ReadView, WriteOp } from '../store/port.js';
import { field, impossible } from './support.js';

type BookSide = 'BUY' | 'SELL';

interface Resting {
  side: BookSide;
  price: string;
  remaining: string;
}

interface SymbolBook {
  /** its keys, built once (the same strings are hashed once downstream) */
  keys: { resting: string; depth: Record<BookSide, string> };
  resting: Map<string, Resting>;
  /** exact sums (minor units while they fit): the Decimal fold's values, no Decimal per change */
  levels: Record<BookSide, Map<string, ExactSum>>;
}

/** minor units of a decimal text, or its Decimal when off the scale (decimal.js judges it then) */
type Amount = number | Decimal;

function amountOf(text: string): Amount {
  return parseMinor(text) ?? dec(text);
}

function negated(amount: Amount): Amount {
  return typeof amount === 'number' ? -amount : amount.negated();
}

/** `a − b` as dec(a).minus(b) gives it */
function difference(a: string, b: Amount): ExactSum {
  const out = ExactSum.of(amountOf(a));
  out.add(negated(b));
  return out;
}

/** equal values, as dec(a).equals(dec(b)) tells */
function sameAmount(a: string, b: string): boolean {
  const x = parseMinor(a);
  const y = parseMinor(b);
  return x !== undefined && y !== undefined ? x === y : dec(a).equals(dec(b));
}

export interface OrderBookState {
  books: Map<string, SymbolBook>;
}

export const bookKeys = {
  symbols: 'bookSymbols',
  depth: (symbol: string, side: BookSide) => `depth:${symbol}:${side}`,
  resting: (symbol: string) => `resting:${symbol}`,
};

function emptyBook(symbol: string): SymbolBook {
  return {
    keys: { resting: bookKeys.resting(symbol), depth: { BUY: bookKeys.depth(symbol, 'BUY'), SELL: bookKeys.depth(symbol, 'SELL') } },
    resting: new Map(),
    levels: { BUY: new Map(), SELL: new Map() },
  };
}

function sideOf(event: RecordedEvent, value: unknown): BookSide {
  if (value !== 'BUY' && value !== 'SELL') throw impossible(event, `side ${String(value)} is neither BUY nor SELL`);
  return value;
}

/** Changes a level by `delta` and writes its absolute value (or removes it at zero). */
function changeLevel(event: RecordedEvent, writes: WriteOp[], book: SymbolBook, symbol: string, side: BookSide, price: string, delta: Amount): void {
  const level = book.levels[side].get(price)?.clone() ?? new ExactSum();
  level.add(delta);
  const text = level.canonical();
  if (text.startsWith('-')) throw impossible(event, `depth ${symbol} ${side} ${price} would be ${text}`);
  const key = book.keys.depth[side];
  if (level.isZero()) {
    book.levels[side].delete(price);
    writes.push(write.hdel(key, price));
  } else {
    book.levels[side].set(price, level);
    writes.push(write.hset(key, { [price]: text }));
  }
}

function setResting(writes: WriteOp[], book: SymbolBook, orderId: string, resting: Resting | null): void {
  if (resting === null) {
    book.resting.delete(orderId);
    writes.push(write.hdel(book.keys.resting, orderId));
  } else {
    book.resting.set(orderId, resting);
    writes.push(write.hset(book.keys.resting, { [orderId]: JSON.stringify(resting) }));
  }
}

export const orderBookProjection: Projection<OrderBookState> = {
  name: 'orderbook',
  version: 1,
  filter: { streamPrefixes: ['market-'] },
  initialState: () => ({ books: new Map() }),
  async loadState(view: ReadView): Promise<OrderBookState> {
    const books = new Map<string, SymbolBook>();
    for (const symbol of await view.smembers(bookKeys.symbols)) {
      const book = emptyBook(symbol);
      for (const [orderId, json] of Object.entries(await view.hgetall(bookKeys.resting(symbol)))) book.resting.set(orderId, JSON.parse(json) as Resting);
      for (const side of ['BUY', 'SELL'] as const) {
        for (const [price, qty] of Object.entries(await view.hgetall(bookKeys.depth(symbol, side)))) book.levels[side].set(price, ExactSum.of(amountOf(qty)));
      }
      books.set(symbol, book);
    }
    return { books };
  },
  apply(state, event) {
    const writes: WriteOp[] = [];
    if (event.type !== 'OrderRested' && event.type !== 'TradeExecuted' && event.type !== 'OrderCancelledInBook' && event.type !== 'OrderExpiredInBook') return { state, writes };
    const symbol = field(event, 'symbol');
    let book = state.books.get(symbol);
    if (!book) {
      state.books.set(symbol, (book = emptyBook(symbol)));
      writes.push(write.sadd(bookKeys.symbols, symbol));
    }
    switch (event.type) {
      case 'OrderRested': {
        const orderId = field(event, 'orderId');
        if (book.resting.has(orderId)) throw impossible(event, `order ${orderId} rests twice`);
        const resting: Resting = { side: sideOf(event, event.data.side), price: field(event, 'price'), remaining: field(event, 'qty') };
        setResting(writes, book, orderId, resting);
        changeLevel(event, writes, book, symbol, resting.side, resting.price, amountOf(resting.remaining));
        break;
      }
      case 'TradeExecuted': {
        const maker = event.data.maker as { orderId?: unknown; remaining?: unknown } | undefined;
        const orderId = typeof maker?.orderId === 'string' ? maker.orderId : '';
        const resting = book.resting.get(orderId);
        if (!resting) throw impossible(event, `maker ${orderId} is not resting in ${symbol}`);
        const qtyText = field(event, 'qty');
        const qty = amountOf(qtyText);
        const left = difference(resting.remaining, qty);
        if (typeof maker?.remaining !== 'string' || !left.equals(ExactSum.of(amountOf(maker.remaining)))) throw impossible(event, `maker ${orderId} had ${resting.remaining}, trade ${canonical(qtyText)}, reported remaining ${String(maker?.remaining)}`);
        changeLevel(event, writes, book, symbol, resting.side, resting.price, negated(qty));
        setResting(writes, book, orderId, left.isZero() ? null : { ...resting, remaining: left.canonical() });
        break;
      }
      default: {
        const orderId = field(event, 'orderId');
        const resting = book.resting.get(orderId);
        if (!resting) break; // a taker's remainder ends without ever having rested
        if (!sameAmount(field(event, 'remaining'), resting.remaining)) throw impossible(event, `order ${orderId} rests with ${resting.remaining}, the book removes ${field(event, 'remaining')}`);
        changeLevel(event, writes, book, symbol, resting.side, resting.price, negated(amountOf(resting.remaining)));
        setResting(writes, book, orderId, null);
      }
    }
    return { state, writes };
  },
};
