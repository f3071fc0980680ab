import { DECIMAL_INPUT, canonical, dec } from '../money/decimal.js';
import { fingerprint, recalledFingerprint, rememberKey, type RecentKeys } from '../shared/bounded.js';
import { DomainError, badInput, idempotencyKeyReused } from '../shared/errors.js';
import { assertNever, type Decider, type DomainEvent, type EventLike } from '../shared/events.js';
import { isOnTick } from './grid.js';
import type { Instrument, InstrumentInput } from './types.js';
import { validateInstrument } from './validate.js';

/** Stream instrument-{symbol}: the listing and the admin-set mark price. */

export interface InstrumentState {
  instrument: Instrument | undefined;
  /** last MarkPriceSet (the effective mark also follows trades; that is the workflow's view) */
  markPrice: string | undefined;
  recentRequestIds: RecentKeys;
}

export interface ListInstrument {
  type: 'ListInstrument';
  input: InstrumentInput;
}

export interface SetMarkPrice {
  type: 'SetMarkPrice';
  symbol: string;
  price: string;
  requestId: string;
}

export type InstrumentCommand = ListInstrument | SetMarkPrice;

export type InstrumentListedData = Instrument;
export interface MarkPriceSetData {
  symbol: string;
  price: string;
  requestId: string;
}

export type InstrumentEvent = DomainEvent<'InstrumentListed', InstrumentListedData> | DomainEvent<'MarkPriceSet', MarkPriceSetData>;

export function initialState(): InstrumentState {
  return { instrument: undefined, markPrice: undefined, recentRequestIds: [] };
}

export function evolve(state: InstrumentState, event: EventLike): InstrumentState {
  const e = event as InstrumentEvent;
  switch (e.type) {
    case 'InstrumentListed':
      return { ...state, instrument: e.data };
    case 'MarkPriceSet':
      return { ...state, markPrice: e.data.price, recentRequestIds: rememberKey(state.recentRequestIds, e.data.requestId, fingerprint(e.data.price)) };
    default:
      return state;
  }
}

/**
 * ListInstrument: the validation table of validateInstrument, then CONFLICT for a listed symbol.
 * SetMarkPrice, in precedence: NOT_FOUND (not listed) → INVALID_PRICE (not a positive plain
 * decimal) → INVALID_TICK (off the tick grid) → repeated requestId ([] or IDEMPOTENCY_KEY_REUSED).
 */
export function decide(command: InstrumentCommand, state: InstrumentState): InstrumentEvent[] {
  switch (command.type) {
    case 'ListInstrument': {
      const instrument = validateInstrument(command.input);
      if (state.instrument) throw new DomainError('CONFLICT', `instrument ${instrument.symbol} is already listed`);
      return [{ type: 'InstrumentListed', key: instrument.symbol, data: instrument }];
    }
    case 'SetMarkPrice': {
      const instrument = state.instrument;
      if (!instrument || instrument.symbol !== command.symbol) throw new DomainError('NOT_FOUND', `unknown symbol ${command.symbol}`);
      if (typeof command.price !== 'string' || !DECIMAL_INPUT.test(command.price) || !dec(command.price).greaterThan(0)) {
        throw badInput('INVALID_PRICE', `mark price must be a positive plain decimal, got ${JSON.stringify(command.price)}`);
      }
      if (!isOnTick(command.price, instrument)) throw badInput('INVALID_TICK', `mark price ${command.price} is not a multiple of ${instrument.tickSize}`);
      const price = canonical(command.price);
      const seen = recalledFingerprint(state.recentRequestIds, command.requestId);
      if (seen !== undefined) {
        if (seen !== fingerprint(price)) throw idempotencyKeyReused(command.requestId);
        return [];
      }
      return [{ type: 'MarkPriceSet', key: command.requestId, data: { symbol: command.symbol, price, requestId: command.requestId } }];
    }
    default:
      return assertNever(command, 'instrument command');
  }
}

export const instrumentDecider: Decider<InstrumentCommand, InstrumentState, InstrumentEvent> = { initialState, evolve, decide };
