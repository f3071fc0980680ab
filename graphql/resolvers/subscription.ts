import { requireUser } from '../access.js';
import type { ApiContext } from '../context.js';
import { requireSymbol } from './query.js';

const identity = <T>(payload: T): T => payload;

/**
 * Published after the read models applied a batch (graphql/publisher.ts). myOrders is routed by
 * the caller's own userId (server-side), so nobody can subscribe to another user's orders.
 */
export const subscriptionResolvers = {
  Subscription: {
    myOrders: {
      subscribe: (_: unknown, __: unknown, context: ApiContext) => context.deps.pubsub.pubsub.subscribe('myOrders', requireUser(context)),
      resolve: identity,
    },
    trades: {
      async subscribe(_: unknown, { symbol }: { symbol: string }, context: ApiContext) {
        await requireSymbol(context, symbol);
        return context.deps.pubsub.pubsub.subscribe('trades', symbol);
      },
      resolve: identity,
    },
    orderBook: {
      async subscribe(_: unknown, { symbol }: { symbol: string }, context: ApiContext) {
        await requireSymbol(context, symbol);
        return context.deps.pubsub.pubsub.subscribe('orderBook', symbol);
      },
      resolve: identity,
    },
  },
};
