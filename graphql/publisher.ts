import type { AppliedBatch } from '../projections/runner/index.js';
import { tradesProjection } from '../projections/models/trades.js';
import type { ApiPubSub } from './pubsub/port.js';
import type { ReadModels } from './ports.js';
import type { TradeView } from './views.js';

/** Depth of the book the orderBook subscription pushes (the query's default). */
export const BOOK_DEPTH = 20;
/** Batches waiting to be published; beyond this the oldest are dropped (subscribers then get the next state). */
const QUEUE_MAX = 10_000;

export interface PublisherOptions {
  /** the projection runner's "batch applied" notification; returns the unsubscribe */
  onApplied(listener: (batch: AppliedBatch) => void): () => void;
  reads: ReadModels;
  pubsub: ApiPubSub;
  onError?(error: unknown): void;
}

/**
 * Subscriptions are fed after the read models moved (DESIGN §10): each committed batch of the
 * orders, trades and orderbook models publishes the entities it touched, read back from the
 * model — so a subscriber never sees a state a query could not. Batches are published one at
 * a time, in the order they were applied.
 */
export function startPublisher(options: PublisherOptions): { stop(): Promise<void> } {
  const queue: AppliedBatch[] = [];
  let draining: Promise<void> | null = null;
  let stopped = false;
  const { pubsub } = options.pubsub;

  async function publish(batch: AppliedBatch): Promise<void> {
    switch (batch.projection) {
      case 'orders': {
        const orderIds = new Set(batch.events.filter((e) => e.stream.startsWith('order-')).map((e) => e.stream.slice('order-'.length)));
        for (const orderId of orderIds) {
          const order = await options.reads.order(orderId);
          if (order) pubsub.publish('myOrders', order.userId, order);
        }
        return;
      }
      case 'trades':
        for (const event of batch.events) {
          if (event.type !== 'TradeExecuted') continue;
          // the trade exactly as the read model stored it (the projection's own pure mapping)
          for (const op of tradesProjection.apply(null, event).writes) {
            if (op.op !== 'zadd') continue;
            for (const entry of op.entries) {
              const trade = JSON.parse(entry.member) as TradeView;
              pubsub.publish('trades', trade.symbol, trade);
            }
          }
        }
        return;
      case 'orderbook': {
        const symbols = new Set(batch.events.filter((e) => e.stream.startsWith('market-')).map((e) => e.stream.slice('market-'.length)));
        for (const symbol of symbols) pubsub.publish('orderBook', symbol, await options.reads.orderBook(symbol, BOOK_DEPTH));
        return;
      }
      default:
        return;
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !stopped) {
      const batch = queue.shift()!;
      try {
        await publish(batch);
      } catch (error) {
        options.onError?.(error);
      }
    }
    draining = null;
  }

  const unsubscribe = options.onApplied((batch) => {
    if (stopped || (batch.projection !== 'orders' && batch.projection !== 'trades' && batch.projection !== 'orderbook')) return;
    queue.push(batch);
    if (queue.length > QUEUE_MAX) queue.shift();
    draining ??= drain();
  });

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      await draining;
    },
  };
}
