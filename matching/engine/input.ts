/**
 * From a store event to a compact engine input (DESIGN §3.4). Decides whether the event is this
 * engine's at all, and turns decimals into ticks / lots exactly; an order that cannot be matched
 * as sent (off grid, unknown side, …) becomes a place input carrying its rejection, so the
 * rejection is WAL'd and published like any other outcome.
 *
 * Cancels: the event may lack the symbol, so a cancel is this engine's when it names this symbol
 * or a live order of this engine. A cancel of this symbol's order that is not live (never seen,
 * already filled, cancelled or expired) is answered `OrderCancelRejected {reason: UNKNOWN_ORDER}`;
 * a cancel naming neither is another engine's and is ignored.
 */
import { idOf } from '../../eventstore/streams.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import {
  SIDE_BUY, SIDE_SELL, TIF_FOK, TIF_GTC, TIF_IOC, TIF_POST_ONLY, TYPE_LIMIT, TYPE_MARKET,
  type BookSide, type OrderTypeCode, type TimeInForceCode,
} from '../book/types.js';
import { GRID_NOT_DECIMAL, GRID_NOT_POSITIVE, GRID_OFF_GRID, type InstrumentGrid } from './instrument.js';
import {
  INPUT_CANCEL, INPUT_PLACE, REJECT_BAD_FIELD, REJECT_PRICE_NOT_DECIMAL, REJECT_PRICE_NOT_POSITIVE,
  REJECT_PRICE_OFF_TICK_GRID, REJECT_PRICE_TOO_LARGE, REJECT_QTY_NOT_DECIMAL, REJECT_QTY_NOT_POSITIVE,
  REJECT_QTY_OFF_LOT_GRID, REJECT_QTY_TOO_LARGE,
  type CancelInput, type EngineInput, type EngineRejectCode, type InputSource, type PlaceInput,
} from './types.js';

export const ORDER_ACCEPTED = 'OrderAccepted';
export const ORDER_CANCEL_REQUESTED = 'OrderCancelRequested';
/** The engine's subscription filter on $all. */
export const INPUT_FILTER = { streamPrefixes: ['order-'], eventTypes: [ORDER_ACCEPTED, ORDER_CANCEL_REQUESTED] };

const SIDES: Record<string, BookSide> = { BUY: SIDE_BUY, SELL: SIDE_SELL };
const TYPES: Record<string, OrderTypeCode> = { LIMIT: TYPE_LIMIT, MARKET: TYPE_MARKET };
const TIFS: Record<string, TimeInForceCode> = { GTC: TIF_GTC, IOC: TIF_IOC, FOK: TIF_FOK, POST_ONLY: TIF_POST_ONLY };

/** The fields of a RecordedEvent the engine reads (tests and benchmarks build just these). */
export type SourceEvent = Pick<RecordedEvent, 'id' | 'type' | 'stream' | 'position' | 'data' | 'metadata' | 'created'>;

/** Copies the source metadata onto `input` — the same rule as envelope.causedBy, without its intermediate object. */
function copySource(event: SourceEvent, input: InputSource): void {
  const metadata = event.metadata;
  const correlationId = metadata.$correlationId;
  const occurredAt = metadata.occurredAt;
  input.sourcePosition = event.position;
  input.eventId = event.id;
  input.correlationId = typeof correlationId === 'string' ? correlationId : event.id;
  input.occurredAt = typeof occurredAt === 'string' ? occurredAt : event.created;
}

/**
 * The two input objects one engine fills in turn: translating an input allocates nothing.
 * Whatever is translated into them is valid until the next translation.
 */
export class InputSlots {
  readonly place: PlaceInput = {
    kind: INPUT_PLACE, sourcePosition: '', eventId: '', correlationId: '', occurredAt: '',
    orderId: '', userId: '', side: SIDE_BUY, type: TYPE_LIMIT, tif: TIF_GTC, priceTicks: 0, qtyLots: 0, invalid: 0,
  };
  readonly cancel: CancelInput = { kind: INPUT_CANCEL, sourcePosition: '', eventId: '', correlationId: '', occurredAt: '', orderId: '' };
}

function gridReject(code: number, notDecimal: EngineRejectCode, notPositive: EngineRejectCode,
                    offGrid: EngineRejectCode, tooLarge: EngineRejectCode): EngineRejectCode {
  switch (-code) {
    case GRID_NOT_DECIMAL: return notDecimal;
    case GRID_NOT_POSITIVE: return notPositive;
    case GRID_OFF_GRID: return offGrid;
    default: return tooLarge;
  }
}

function orderIdOf(event: SourceEvent): string {
  const id = event.data['orderId'];
  return typeof id === 'string' && id.length > 0 ? id : idOf(event.stream);
}

/**
 * The engine's input for `event` (a new object), or undefined when it belongs to another symbol,
 * is an acceptance that already ended the order (cancelledAtAcceptance), or is not an input.
 */
export function translateEvent(event: SourceEvent, grid: InstrumentGrid, isLive: (orderId: string) => boolean): EngineInput | undefined {
  return translateInto(event, grid, isLive, new InputSlots());
}

/** translateEvent into one of `slots` (overwritten), for the hot path. */
export function translateInto(event: SourceEvent, grid: InstrumentGrid, isLive: (orderId: string) => boolean, slots: InputSlots): EngineInput | undefined {
  if (event.type === ORDER_ACCEPTED) {
    const data = event.data;
    // a cancel that arrived while the order was PENDING ended it at acceptance (OrderCancelled in
    // the same append): the book must never hold it, and nothing is published for it
    if (data['symbol'] !== grid.symbol || data['cancelledAtAcceptance'] === true) return undefined;
    const rawUserId = data['userId'];
    const userId = typeof rawUserId === 'string' ? rawUserId : '';
    const side = SIDES[data['side'] as string];
    const type = TYPES[data['type'] as string];
    const tif = TIFS[(data['timeInForce'] as string | undefined) ?? (type === TYPE_MARKET ? 'IOC' : 'GTC')];
    let invalid: EngineRejectCode | 0 = 0;
    let priceTicks = 0;
    let qtyLots = 0;
    if (userId.length === 0 || side === undefined || type === undefined || tif === undefined) {
      invalid = REJECT_BAD_FIELD;
    } else {
      const price = grid.priceTicks(type === TYPE_MARKET ? (data['protectedPrice'] ?? data['price']) : data['price']);
      const qty = grid.qtyLots(data['qty']);
      if (price < 0) invalid = gridReject(price, REJECT_PRICE_NOT_DECIMAL, REJECT_PRICE_NOT_POSITIVE, REJECT_PRICE_OFF_TICK_GRID, REJECT_PRICE_TOO_LARGE);
      else if (qty < 0) invalid = gridReject(qty, REJECT_QTY_NOT_DECIMAL, REJECT_QTY_NOT_POSITIVE, REJECT_QTY_OFF_LOT_GRID, REJECT_QTY_TOO_LARGE);
      else {
        priceTicks = price;
        qtyLots = qty;
      }
    }
    const input = slots.place;
    copySource(event, input);
    input.orderId = orderIdOf(event);
    input.userId = userId;
    input.side = invalid === REJECT_BAD_FIELD ? SIDE_BUY : side!;
    input.type = invalid === REJECT_BAD_FIELD ? TYPE_LIMIT : type!;
    input.tif = invalid === REJECT_BAD_FIELD ? TIF_GTC : tif!;
    input.priceTicks = priceTicks;
    input.qtyLots = qtyLots;
    input.invalid = invalid;
    return input;
  }
  if (event.type === ORDER_CANCEL_REQUESTED) {
    const orderId = orderIdOf(event);
    if (event.data['symbol'] !== grid.symbol && !isLive(orderId)) return undefined;
    const input = slots.cancel;
    copySource(event, input);
    input.orderId = orderId;
    return input;
  }
  return undefined;
}
