import { canonical, dec, sum } from '../money/decimal.js';

/**
 * Pure rules of the settlement workflow (DESIGN §3.4 "How a fill is settled"): which legs a
 * trade has, and what the account, the order and the insurance fund are told about a leg once
 * the position has decided it.
 */

export interface TradeParty {
  orderId: string;
  userId: string;
  side: 'BUY' | 'SELL';
  /** the order's quantity left after this trade; "0" ends the order */
  remaining: string;
}

export interface TradeExecutedData {
  tradeId: string;
  seq: number;
  symbol: string;
  price: string;
  qty: string;
  maker: TradeParty;
  taker: TradeParty;
}

export interface Leg extends TradeParty {
  liquidity: 'MAKER' | 'TAKER';
}

/** Maker first, then taker: the two settlements are independent (settlement detail 8). */
export function legsOf(trade: TradeExecutedData): Leg[] {
  return [
    { ...trade.maker, liquidity: 'MAKER' },
    { ...trade.taker, liquidity: 'TAKER' },
  ];
}

export const LEG_MONEY_EVENTS = ['PositionMarginReleased', 'PositionIncreased', 'PositionCloseToOpenCompensation'] as const;

interface LegEvent {
  type: string;
  key: string;
  data: Record<string, unknown>;
}

/** The events of one leg among a position's events (by tradeId); other legs' are left out. */
export function legEventsOf<E extends LegEvent>(events: readonly E[], tradeId: string): E[] {
  return events.filter((e) => (LEG_MONEY_EVENTS as readonly string[]).includes(e.type) && e.data['tradeId'] === tradeId);
}

/** The order's fee for the leg: Σ of the fee of each part (close, open, compensation). */
export function legFee(events: readonly LegEvent[]): string {
  return canonical(sum(events.filter((e) => (LEG_MONEY_EVENTS as readonly string[]).includes(e.type)).map((e) => e.data['fee'] as string)));
}

/** The insurance position's realised PnL for a leg (its close part), exact. */
export function legRealizedPnl(events: readonly LegEvent[]): string {
  return canonical(sum(events.filter((e) => e.type === 'PositionMarginReleased').map((e) => e.data['realizedPnl'] as string)));
}

export function isOrderEnded(party: Pick<TradeParty, 'remaining'>): boolean {
  return dec(party.remaining).isZero();
}
