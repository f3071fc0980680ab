/**
 * A committed WAL entry as the events of its one append to market-{symbol} (DESIGN §3.4).
 * Everything comes from the entry itself, so re-publishing after a crash yields the same events
 * with the same ids (key `wal:{entrySeq}`), which is what makes the re-append a no-op.
 *
 * tradeId is `{symbol}:{seq}`: unique per symbol by construction, readable, and stable across
 * restarts because seq is WAL'd state.
 */
import { toEventData, type DomainEvent } from '../../eventstore/envelope.js';
import type { EventData } from '../../eventstore/port.js';
import { streams } from '../../eventstore/streams.js';
import { EXPIRY_REASON_NAMES, SIDE_BUY, type BookSide } from '../book/types.js';
import type { InstrumentGrid } from './instrument.js';
import {
  INPUT_PLACE, OUT_CANCELLED, OUT_EXPIRED, OUT_REJECTED, OUT_RESTED, OUT_TRADE, REJECT_REASON_NAMES,
  type WalEntry,
} from './types.js';

export const ORDER_RESTED = 'OrderRested';
export const TRADE_EXECUTED = 'TradeExecuted';
export const ORDER_CANCELLED_IN_BOOK = 'OrderCancelledInBook';
export const ORDER_EXPIRED_IN_BOOK = 'OrderExpiredInBook';
export const ORDER_REJECTED_BY_BOOK = 'OrderRejectedByBook';
export const ORDER_CANCEL_REJECTED = 'OrderCancelRejected';

export function sideName(side: BookSide): 'BUY' | 'SELL' {
  return side === SIDE_BUY ? 'BUY' : 'SELL';
}

export function tradeIdOf(symbol: string, seq: number): string {
  return `${symbol}:${seq}`;
}

export function walKey(entrySeq: number): string {
  return `wal:${entrySeq}`;
}

/** The domain events of one entry, in output order. */
export function marketEventsOf(entry: WalEntry, grid: InstrumentGrid): DomainEvent[] {
  const input = entry.input;
  const key = walKey(entry.entrySeq);
  const orderId = input.orderId;
  const takerSide = input.kind === INPUT_PLACE ? input.side : SIDE_BUY;
  return entry.outputs.map((out): DomainEvent => {
    switch (out.kind) {
      case OUT_RESTED:
        return { type: ORDER_RESTED, key, data: { orderId, symbol: grid.symbol, side: sideName(out.side), price: grid.priceText(out.priceTicks), qty: grid.qtyText(out.qtyLots) } };
      case OUT_TRADE: {
        if (input.kind !== INPUT_PLACE) throw new Error(`entry ${entry.entrySeq}: a trade needs a place input`);
        return {
          type: TRADE_EXECUTED, key,
          data: {
            tradeId: tradeIdOf(grid.symbol, out.seq), seq: out.seq, symbol: grid.symbol,
            price: grid.priceText(out.priceTicks), qty: grid.qtyText(out.qtyLots), takerSide: sideName(takerSide),
            maker: { orderId: out.makerOrderId, userId: out.makerUserId, side: sideName((1 - takerSide) as BookSide), remaining: grid.qtyText(out.makerRemainingLots) },
            taker: { orderId, userId: input.userId, side: sideName(takerSide), remaining: grid.qtyText(out.takerRemainingLots) },
          },
        };
      }
      case OUT_CANCELLED:
        return { type: ORDER_CANCELLED_IN_BOOK, key, data: { orderId, symbol: grid.symbol, remaining: grid.qtyText(out.remainingLots) } };
      case OUT_EXPIRED:
        return { type: ORDER_EXPIRED_IN_BOOK, key, data: { orderId, symbol: grid.symbol, remaining: grid.qtyText(out.remainingLots), reason: EXPIRY_REASON_NAMES[out.reason] } };
      case OUT_REJECTED:
        return {
          type: input.kind === INPUT_PLACE ? ORDER_REJECTED_BY_BOOK : ORDER_CANCEL_REJECTED, key,
          data: { orderId, symbol: grid.symbol, reason: REJECT_REASON_NAMES[out.reason] },
        };
      default: {
        const never: never = out;
        throw new Error(`unknown output ${JSON.stringify(never)}`);
      }
    }
  });
}

/** The one append of an entry: deterministic ids, causation from the input, plus where it came from. */
export function marketAppendOf(entry: WalEntry, grid: InstrumentGrid): EventData[] {
  const input = entry.input;
  const events = toEventData(streams.market(grid.symbol), marketEventsOf(entry, grid), {
    correlationId: input.correlationId, causationId: input.eventId, occurredAt: input.occurredAt,
  });
  for (const event of events) {
    event.metadata['sourcePosition'] = input.sourcePosition;
    event.metadata['walEntrySeq'] = entry.entrySeq;
  }
  return events;
}
