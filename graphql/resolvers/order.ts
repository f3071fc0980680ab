import type { OrderView } from '../views.js';

/**
 * The contract has one reason field: REJECTED orders carry why they were refused, EXPIRED ones
 * why the book ended them (POST_ONLY_WOULD_TAKE, NO_LIQUIDITY, SELF_TRADE, IOC, FOK,
 * MARKET_REMAINDER); the read model keeps the two apart.
 */
export const orderResolvers = {
  Order: {
    rejectReason: (order: OrderView) => order.rejectReason ?? (order.status === 'EXPIRED' ? order.expireReason ?? null : null),
  },
};
