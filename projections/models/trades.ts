/**
 * trades: the public trades of each symbol, newest first (no order or user ids: DESIGN §10).
 * A page is at most 1000 (the `first` cap), so each list keeps only the newest TRADES_KEPT.
 *
 * Keys: `trades:{symbol}`: sorted set, score = the trade's seq (per symbol, a safe integer),
 * member = JSON trade.
 */
import type { Projection } from '../runner/projection.js';
import { write } from '../store/ops.js';
import { field, impossible, member, occurredAt } from './support.js';

export const TRADES_KEPT = 1000;

export interface TradeModel {
  id: string;
  symbol: string;
  price: string;
  quantity: string;
  takerSide: string;
  executedAt: string;
}

export const tradeKeys = {
  trades: (symbol: string) => `trades:${symbol}`,
};

export const tradesProjection: Projection<null> = {
  name: 'trades',
  version: 1,
  filter: { streamPrefixes: ['market-'] },
  initialState: () => null,
  loadState: async () => null,
  apply(state, event) {
    if (event.type !== 'TradeExecuted') return { state, writes: [] };
    const seq = event.data.seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw impossible(event, `trade seq ${String(seq)} is not a non-negative integer`);
    const trade: TradeModel = {
      id: field(event, 'tradeId'), symbol: field(event, 'symbol'), price: field(event, 'price'), quantity: field(event, 'qty'),
      takerSide: field(event, 'takerSide'), executedAt: occurredAt(event),
    };
    const key = tradeKeys.trades(trade.symbol);
    return { state, writes: [write.zadd(key, seq, member(trade)), write.ztrim(key, TRADES_KEPT)] };
  },
};
