import type { OrderView, OrderBookView, TradeView } from '../views.js';

/**
 * What the API publishes after the read models moved (DESIGN §10 subscriptions). Orders are
 * routed by the owner's userId, so a subscriber only ever receives its own orders: the filter is
 * the topic itself, not a check applied after delivery.
 */
export type ApiTopics = {
  myOrders: [userId: string, order: OrderView];
  trades: [symbol: string, trade: TradeView];
  orderBook: [symbol: string, book: OrderBookView];
};
