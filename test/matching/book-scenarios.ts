/**
 * Order-book scenarios as a table (given resting commands / when one command / then exact sink
 * calls and resulting depth), shared by the unit test of every OrderBook implementation.
 */
import {
  EXPIRE_FOK, EXPIRE_IOC, EXPIRE_MARKET_REMAINDER, EXPIRE_NO_LIQUIDITY, EXPIRE_POST_ONLY_WOULD_TAKE,
  EXPIRE_SELF_TRADE, REJECT_DUPLICATE_ORDER_ID, REJECT_INVALID, REJECT_UNKNOWN_ORDER, SIDE_BUY, SIDE_SELL,
  TIF_FOK, TIF_GTC, TIF_IOC, TIF_POST_ONLY, TYPE_LIMIT, TYPE_MARKET,
  type BookSide, type OrderBook, type TimeInForceCode,
} from '../../matching/book/types.js';
import type { BookEvent, RecordingSink } from '../../matching/book/recording-sink.js';

export type Command =
  | { op: 'place'; id: number; owner: number; side: BookSide; type: 0 | 1; tif: TimeInForceCode; price: number; qty: number }
  | { op: 'cancel'; id: number };

export const B = SIDE_BUY;
export const S = SIDE_SELL;

export const limit = (id: number, owner: number, side: BookSide, price: number, qty: number,
                      tif: TimeInForceCode = TIF_GTC): Command =>
  ({ op: 'place', id, owner, side, type: TYPE_LIMIT, tif, price, qty });
export const market = (id: number, owner: number, side: BookSide, protectedPrice: number, qty: number,
                       tif: TimeInForceCode = TIF_IOC): Command =>
  ({ op: 'place', id, owner, side, type: TYPE_MARKET, tif, price: protectedPrice, qty });
export const cancel = (id: number): Command => ({ op: 'cancel', id });

export function apply(book: OrderBook, sink: RecordingSink, c: Command): void {
  if (c.op === 'place') book.place(c.id, c.owner, c.side, c.type, c.tif, c.price, c.qty, sink);
  else book.cancel(c.id, sink);
}

export interface Scenario {
  name: string;
  given: Command[];
  when: Command;
  then: BookEvent[];
  bids: Array<[number, number]>;
  asks: Array<[number, number]>;
}

// trade tuple: maker id, maker owner, taker id, taker owner, taker side, price, qty, maker left, taker left
export const SCENARIOS: Scenario[] = [
  {
    name: 'GTC on an empty book rests',
    given: [], when: limit(1, 7, B, 100, 5),
    then: [['rested', 1, B, 100, 5]], bids: [[100, 5]], asks: [],
  },
  {
    name: 'GTC crossing trades at the maker price and rests the remainder',
    given: [limit(1, 1, S, 100, 3)], when: limit(2, 2, B, 105, 5),
    then: [['trade', 1, 1, 2, 2, B, 100, 3, 0, 2], ['rested', 2, B, 105, 2]],
    bids: [[105, 2]], asks: [],
  },
  {
    name: 'better price goes first, then earlier time at the same price',
    given: [limit(1, 1, S, 101, 1), limit(2, 2, S, 100, 1), limit(3, 3, S, 100, 1)],
    when: limit(4, 4, B, 101, 3),
    then: [['trade', 2, 2, 4, 4, B, 100, 1, 0, 2], ['trade', 3, 3, 4, 4, B, 100, 1, 0, 1],
      ['trade', 1, 1, 4, 4, B, 101, 1, 0, 0]],
    bids: [], asks: [],
  },
  {
    name: 'a partially filled maker keeps its place in the queue',
    given: [limit(1, 1, S, 100, 5), limit(2, 2, S, 100, 5), limit(3, 3, B, 100, 3)],
    when: limit(4, 4, B, 100, 4),
    then: [['trade', 1, 1, 4, 4, B, 100, 2, 0, 2], ['trade', 2, 2, 4, 4, B, 100, 2, 3, 0]],
    bids: [], asks: [[100, 3]],
  },
  {
    name: 'a sell taker walks the bids best-first and stops at its limit',
    given: [limit(1, 1, B, 99, 2), limit(2, 2, B, 98, 2), limit(3, 3, B, 97, 2)],
    when: limit(4, 4, S, 98, 10),
    then: [['trade', 1, 1, 4, 4, S, 99, 2, 0, 8], ['trade', 2, 2, 4, 4, S, 98, 2, 0, 6], ['rested', 4, S, 98, 6]],
    bids: [[97, 2]], asks: [[98, 6]],
  },
  {
    name: 'IOC with nothing to take expires NO_LIQUIDITY',
    given: [limit(1, 1, S, 101, 5)], when: limit(2, 2, B, 100, 5, TIF_IOC),
    then: [['expired', 2, 5, EXPIRE_NO_LIQUIDITY]], bids: [], asks: [[101, 5]],
  },
  {
    name: 'IOC partly filled expires IOC with the remainder',
    given: [limit(1, 1, S, 100, 2)], when: limit(2, 2, B, 100, 5, TIF_IOC),
    then: [['trade', 1, 1, 2, 2, B, 100, 2, 0, 3], ['expired', 2, 3, EXPIRE_IOC]], bids: [], asks: [],
  },
  {
    name: 'IOC completely filled emits only trades',
    given: [limit(1, 1, S, 100, 5)], when: limit(2, 2, B, 100, 5, TIF_IOC),
    then: [['trade', 1, 1, 2, 2, B, 100, 5, 0, 0]], bids: [], asks: [],
  },
  {
    name: 'FOK that cannot fill completely expires FOK and changes nothing',
    given: [limit(1, 1, S, 100, 2), limit(2, 2, S, 101, 2), limit(3, 3, S, 102, 9)],
    when: limit(4, 4, B, 101, 5, TIF_FOK),
    then: [['expired', 4, 5, EXPIRE_FOK]], bids: [], asks: [[100, 2], [101, 2], [102, 9]],
  },
  {
    name: 'FOK that can fill takes across levels',
    given: [limit(1, 1, S, 100, 2), limit(2, 2, S, 101, 2), limit(3, 3, S, 101, 2)],
    when: limit(4, 4, B, 101, 5, TIF_FOK),
    then: [['trade', 1, 1, 4, 4, B, 100, 2, 0, 3], ['trade', 2, 2, 4, 4, B, 101, 2, 0, 1],
      ['trade', 3, 3, 4, 4, B, 101, 1, 1, 0]],
    bids: [], asks: [[101, 1]],
  },
  {
    name: 'FOK counts only the liquidity ahead of its own resting order',
    given: [limit(1, 1, S, 100, 2), limit(2, 9, S, 100, 5), limit(3, 3, S, 100, 5)],
    when: limit(4, 9, B, 100, 3, TIF_FOK),
    then: [['expired', 4, 3, EXPIRE_FOK]], bids: [], asks: [[100, 12]],
  },
  {
    name: 'FOK filled entirely ahead of its own order leaves that order untouched',
    given: [limit(1, 1, S, 100, 2), limit(2, 2, S, 100, 2), limit(3, 9, S, 100, 5)],
    when: limit(4, 9, B, 100, 4, TIF_FOK),
    then: [['trade', 1, 1, 4, 9, B, 100, 2, 0, 2], ['trade', 2, 2, 4, 9, B, 100, 2, 0, 0]],
    bids: [], asks: [[100, 5]],
  },
  {
    name: 'POST_ONLY that would take expires POST_ONLY_WOULD_TAKE',
    given: [limit(1, 1, S, 100, 2)], when: limit(2, 2, B, 100, 5, TIF_POST_ONLY),
    then: [['expired', 2, 5, EXPIRE_POST_ONLY_WOULD_TAKE]], bids: [], asks: [[100, 2]],
  },
  {
    name: 'POST_ONLY that would take its own order still expires (it would take)',
    given: [limit(1, 2, B, 100, 2)], when: limit(2, 2, S, 99, 5, TIF_POST_ONLY),
    then: [['expired', 2, 5, EXPIRE_POST_ONLY_WOULD_TAKE]], bids: [[100, 2]], asks: [],
  },
  {
    name: 'POST_ONLY that does not cross rests',
    given: [limit(1, 1, S, 100, 2)], when: limit(2, 2, B, 99, 5, TIF_POST_ONLY),
    then: [['rested', 2, B, 99, 5]], bids: [[99, 5]], asks: [[100, 2]],
  },
  {
    name: 'MARKET with an empty opposite side expires NO_LIQUIDITY',
    given: [limit(1, 1, B, 100, 2)], when: market(2, 2, B, 110, 5),
    then: [['expired', 2, 5, EXPIRE_NO_LIQUIDITY]], bids: [[100, 2]], asks: [],
  },
  {
    name: 'MARKET partly filled expires MARKET_REMAINDER',
    given: [limit(1, 1, S, 100, 2)], when: market(2, 2, B, 110, 5),
    then: [['trade', 1, 1, 2, 2, B, 100, 2, 0, 3], ['expired', 2, 3, EXPIRE_MARKET_REMAINDER]], bids: [], asks: [],
  },
  {
    name: 'MARKET stops at its protected price',
    given: [limit(1, 1, B, 100, 2), limit(2, 2, B, 95, 2), limit(3, 3, B, 90, 2)],
    when: market(4, 4, S, 95, 10),
    then: [['trade', 1, 1, 4, 4, S, 100, 2, 0, 8], ['trade', 2, 2, 4, 4, S, 95, 2, 0, 6],
      ['expired', 4, 6, EXPIRE_MARKET_REMAINDER]],
    bids: [[90, 2]], asks: [],
  },
  {
    name: 'MARKET GTC is IOC: the remainder never rests',
    given: [limit(1, 1, S, 100, 2)], when: market(2, 2, B, 110, 5, TIF_GTC),
    then: [['trade', 1, 1, 2, 2, B, 100, 2, 0, 3], ['expired', 2, 3, EXPIRE_MARKET_REMAINDER]], bids: [], asks: [],
  },
  {
    name: 'MARKET FOK that cannot fill expires FOK',
    given: [limit(1, 1, S, 100, 2)], when: market(2, 2, B, 110, 5, TIF_FOK),
    then: [['expired', 2, 5, EXPIRE_FOK]], bids: [], asks: [[100, 2]],
  },
  {
    name: 'MARKET with nothing within its protected price expires NO_LIQUIDITY',
    given: [limit(1, 1, S, 120, 2)], when: market(2, 2, B, 110, 5),
    then: [['expired', 2, 5, EXPIRE_NO_LIQUIDITY]], bids: [], asks: [[120, 2]],
  },
  {
    name: 'STP: fills before the own order are kept, the remainder expires, the own order is untouched',
    given: [limit(1, 1, S, 100, 2), limit(2, 9, S, 100, 3), limit(3, 3, S, 100, 4)],
    when: limit(4, 9, B, 100, 10),
    then: [['trade', 1, 1, 4, 9, B, 100, 2, 0, 8], ['expired', 4, 8, EXPIRE_SELF_TRADE]],
    bids: [], asks: [[100, 7]],
  },
  {
    name: 'STP at the very first maker expires the whole order SELF_TRADE, even an IOC',
    given: [limit(1, 9, S, 100, 2), limit(2, 2, S, 100, 3)], when: limit(3, 9, B, 101, 4, TIF_IOC),
    then: [['expired', 3, 4, EXPIRE_SELF_TRADE]], bids: [], asks: [[100, 5]],
  },
  {
    name: 'STP stops a MARKET order across levels',
    given: [limit(1, 1, S, 100, 1), limit(2, 9, S, 101, 3)], when: market(3, 9, B, 200, 4),
    then: [['trade', 1, 1, 3, 9, B, 100, 1, 0, 3], ['expired', 3, 3, EXPIRE_SELF_TRADE]], bids: [], asks: [[101, 3]],
  },
  {
    name: 'cancel of a resting order reports its remaining lots',
    given: [limit(1, 1, S, 100, 5), limit(2, 2, B, 100, 2)], when: cancel(1),
    then: [['cancelled', 1, 3]], bids: [], asks: [],
  },
  {
    name: 'cancel in the middle of a queue keeps the others in order',
    given: [limit(1, 1, S, 100, 1), limit(2, 2, S, 100, 2), limit(3, 3, S, 100, 3)], when: cancel(2),
    then: [['cancelled', 2, 2]], bids: [], asks: [[100, 4]],
  },
  {
    name: 'cancel of an unknown id is rejected',
    given: [limit(1, 1, S, 100, 1)], when: cancel(42),
    then: [['rejected', 42, REJECT_UNKNOWN_ORDER]], bids: [], asks: [[100, 1]],
  },
  {
    name: 'cancel of a filled order is rejected',
    given: [limit(1, 1, S, 100, 1), limit(2, 2, B, 100, 1)], when: cancel(1),
    then: [['rejected', 1, REJECT_UNKNOWN_ORDER]], bids: [], asks: [],
  },
  {
    name: 'cancel of a cancelled order is rejected',
    given: [limit(1, 1, S, 100, 1), cancel(1)], when: cancel(1),
    then: [['rejected', 1, REJECT_UNKNOWN_ORDER]], bids: [], asks: [],
  },
  {
    name: 'cancel of an order that expired is rejected',
    given: [limit(1, 1, S, 100, 1, TIF_IOC)], when: cancel(1),
    then: [['rejected', 1, REJECT_UNKNOWN_ORDER]], bids: [], asks: [],
  },
  {
    name: 'a duplicate live id is rejected and changes nothing',
    given: [limit(1, 1, S, 100, 1)], when: limit(1, 2, B, 100, 1),
    then: [['rejected', 1, REJECT_DUPLICATE_ORDER_ID]], bids: [], asks: [[100, 1]],
  },
  {
    name: 'the id of an ended order may be used again',
    given: [limit(1, 1, S, 100, 1), cancel(1)], when: limit(1, 2, B, 100, 1),
    then: [['rested', 1, B, 100, 1]], bids: [[100, 1]], asks: [],
  },
  {
    name: 'quantity 0 is rejected as invalid',
    given: [], when: limit(1, 1, B, 100, 0), then: [['rejected', 1, REJECT_INVALID]], bids: [], asks: [],
  },
  {
    name: 'a negative quantity is rejected as invalid',
    given: [], when: limit(1, 1, B, 100, -3), then: [['rejected', 1, REJECT_INVALID]], bids: [], asks: [],
  },
  {
    name: 'a fractional quantity is rejected as invalid',
    given: [], when: limit(1, 1, B, 100, 1.5), then: [['rejected', 1, REJECT_INVALID]], bids: [], asks: [],
  },
  {
    name: 'a fractional price is rejected as invalid',
    given: [], when: limit(1, 1, B, 100.5, 1), then: [['rejected', 1, REJECT_INVALID]], bids: [], asks: [],
  },
  {
    name: 'a POST_ONLY market order is rejected as invalid',
    given: [limit(1, 1, S, 100, 1)], when: market(2, 2, B, 110, 1, TIF_POST_ONLY),
    then: [['rejected', 2, REJECT_INVALID]], bids: [], asks: [[100, 1]],
  },
  {
    name: 'an invalid order that reuses a live id is rejected as invalid first',
    given: [limit(1, 1, S, 100, 1)], when: limit(1, 1, B, 100, 0),
    then: [['rejected', 1, REJECT_INVALID]], bids: [], asks: [[100, 1]],
  },
];
