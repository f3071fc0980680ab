/**
 * instruments: every listed instrument with its parameters and its mark price. The mark is
 * whichever comes later in the log (DESIGN §5): the last MarkPriceSet or the last trade price.
 *
 * Keys: `symbols` (set), `instrument:{symbol}` (hash: the listing's fields, markPrice, markSource).
 */
import type { RecordedEvent } from '../../eventstore/port.js';
import type { Projection } from '../runner/projection.js';
import { write } from '../store/ops.js';
import type { ReadView, WriteOp } from '../store/port.js';
import { field, impossible } from './support.js';

export interface InstrumentsState {
  symbols: Set<string>;
}

export const INSTRUMENT_FIELDS = [
  'symbol', 'quoteAsset', 'contractSize', 'tickSize', 'lotSize', 'makerFeeRate', 'takerFeeRate',
  'initialMarginRate', 'maintenanceMarginRate', 'maxLeverage', 'defaultLeverage', 'marketProtection',
] as const;

export const instrumentKeys = {
  symbols: 'symbols',
  instrument: (symbol: string) => `instrument:${symbol}`,
};

function listedFields(event: RecordedEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INSTRUMENT_FIELDS) {
    const value = event.data[name];
    if (typeof value !== 'string' && typeof value !== 'number') throw impossible(event, `InstrumentListed without ${name}`);
    out[name] = String(value);
  }
  return out;
}

export const instrumentsProjection: Projection<InstrumentsState> = {
  name: 'instruments',
  version: 1,
  filter: { streamPrefixes: ['instrument-', 'market-'] },
  initialState: () => ({ symbols: new Set() }),
  async loadState(view: ReadView): Promise<InstrumentsState> {
    return { symbols: new Set(await view.smembers(instrumentKeys.symbols)) };
  },
  apply(state, event) {
    const writes: WriteOp[] = [];
    switch (event.type) {
      case 'InstrumentListed': {
        const fields = listedFields(event);
        if (state.symbols.has(fields.symbol!)) throw impossible(event, `instrument ${fields.symbol} is listed twice`);
        state.symbols.add(fields.symbol!);
        writes.push(write.sadd(instrumentKeys.symbols, fields.symbol!), write.hset(instrumentKeys.instrument(fields.symbol!), fields));
        break;
      }
      case 'MarkPriceSet':
      case 'TradeExecuted': {
        const symbol = field(event, 'symbol');
        if (!state.symbols.has(symbol)) throw impossible(event, `mark of unlisted instrument ${symbol}`);
        writes.push(write.hset(instrumentKeys.instrument(symbol), { markPrice: field(event, 'price'), markSource: event.type === 'MarkPriceSet' ? 'MARK' : 'TRADE' }));
        break;
      }
      default:
        break;
    }
    return { state, writes };
  },
};
