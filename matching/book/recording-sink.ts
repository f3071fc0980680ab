/**
 * A BookSink that records every call as a plain tuple, for tests and for comparing two books call
 * by call. Allocates per call — never use it on a hot path.
 */
import type { BookSide, BookSink, ExpiryReasonCode, RejectCode } from './types.js';

export type BookEvent =
  | ['rested', number, BookSide, number, number]
  | ['trade', number, number, number, number, BookSide, number, number, number, number]
  | ['cancelled', number, number]
  | ['expired', number, number, ExpiryReasonCode]
  | ['rejected', number, RejectCode];

export class RecordingSink implements BookSink {
  events: BookEvent[] = [];

  /** the events recorded since the last take(), and forget them */
  take(): BookEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  rested(orderId: number, side: BookSide, priceTicks: number, qtyLots: number): void {
    this.events.push(['rested', orderId, side, priceTicks, qtyLots]);
  }

  trade(makerOrderId: number, makerOwnerId: number, takerOrderId: number, takerOwnerId: number,
        takerSide: BookSide, priceTicks: number, qtyLots: number,
        makerRemainingLots: number, takerRemainingLots: number): void {
    this.events.push(['trade', makerOrderId, makerOwnerId, takerOrderId, takerOwnerId, takerSide, priceTicks,
      qtyLots, makerRemainingLots, takerRemainingLots]);
  }

  cancelled(orderId: number, remainingLots: number): void {
    this.events.push(['cancelled', orderId, remainingLots]);
  }

  expired(orderId: number, remainingLots: number, reason: ExpiryReasonCode): void {
    this.events.push(['expired', orderId, remainingLots, reason]);
  }

  rejected(orderId: number, reason: RejectCode): void {
    this.events.push(['rejected', orderId, reason]);
  }
}
